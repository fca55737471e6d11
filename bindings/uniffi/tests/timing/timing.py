"""Issue 7's figures through the FFI, as an app sees them (not a test: run by hand).

    cargo run --profile mobile -p famplan-uniffi --example timing -- target/mobile-timing
    cp target/mobile/libfamplan_uniffi.so target/bindings/python/
    PYTHONPATH=target/bindings/python .venv/bin/python bindings/uniffi/tests/timing/timing.py target/mobile-timing

The example generates the two 10,000-resident stores; this opens a fresh copy of each
through the generated Python bindings and the stripped release library.
"""

import datetime as dt
import pathlib
import shutil
import statistics
import sys
import time

from famplan_uniffi import FamplanStore, NewVisit


def measure(name, base, keeper, today):
    path = base.with_suffix(".py-run.db")
    for ext in ("", "-wal", "-shm"):
        pathlib.Path(f"{path}{ext}").unlink(missing_ok=True)
    shutil.copy(base, path)
    cold = []
    for _ in range(15):
        t = time.perf_counter()
        app = FamplanStore.open(str(path), "timing", keeper)
        items = len(app.work_list(keeper, today).items)
        cold.append(time.perf_counter() - t)
        del app
    app = FamplanStore.open(str(path), "timing", keeper)
    todo = [i.obligation for i in app.work_list(keeper, today).items if i.obligation.person and i.obligation.visit_kind][:40]
    warm = []
    for o in todo:
        t = time.perf_counter()
        app.record_visit(NewVisit(person=o.person, date=today, kind=o.visit_kind, outcome=None))
        app.work_list(keeper, today)
        warm.append(time.perf_counter() - t)
    ms = lambda v: f"median {statistics.median(v) * 1e3:.2f} ms (min {min(v) * 1e3:.2f}, max {max(v) * 1e3:.2f}, n={len(v)})"
    print(f"{name} (Python over the FFI): cold open + work list ({items} items): {ms(cold)}; record visit + work list: {ms(warm)}")


d = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/mobile-timing")
measure("events", d / "events.db", "k1011", dt.date(2026, 11, 28))
measure("snapshot", d / "snapshot.db", "k1011", dt.date(2026, 7, 15))
