"""Python against Rust on the 1M-person city: the same core calls, medians of N runs.

    .venv/bin/python bindings/python/bench/bench.py [--persons 1000000] [--rounds 3] [--repeats 5]

Installs the module in release first (`maturin develop --release`: bindings/python/test.sh
installs a debug build for the tests). Generates the
snapshots with famplan-synth (seed 1) into target/bench/ when they are missing, runs
`cargo run --release -p famplan-python --example rust_calls` for the Rust times, then times
in this process, alternating with it for `--rounds` rounds (the machine is shared: medians
over every run of every round):

- rates: four rates by grid in one pass (`Registry.rates`), against the same call in Rust;
- drill_down: every person of a one-community city (1M rows, `Registry.drill_down`),
  against `Registry::drill_down` in Rust; the difference is the cost of the columns;
- to_polars: those 1M rows as a polars DataFrame (Arrow PyCapsule stream), a fresh frame
  each time; `python_drill_down_to_polars_s` is the two together (the goal: under 0.5 s).

The rates' Python/Rust ratio is also given per round (`rates_ratio_rounds`, Python's median
over Rust's median of the same round) and as the median of those (`rates_ratio_rounds_median`):
the rounds alternate, so each ratio compares runs made under about the same load.

Seen on 2026-11-28 (2 cores shared with two other builds, load average 3.5–7; 3 rounds × 5
runs each), on main as of 79b6721 merged: rates Rust 0.069 s, Python 0.088 s (median;
fastest runs 0.056–0.083 s against 0.061–0.071 s in separate runs: the difference is within
the noise); drill-down 1M rows Rust 0.78 s, Python 0.86 s, to_polars 0.08 s, so the columns
cost 0.16 s (0.21–0.28 s in the runs before, under heavier load).

Seen on 2026-11-29 after the drill-down in columns (`Registry::drill_down_columns`), base and
new builds alternating in separate processes, 3 rounds × 5 runs, load average 9–13 (under that
load every time was 5–7× the quiet round's, so the quiet round is the one quoted): 1M rows,
Python drill_down + to_polars 0.40–0.47 s (was 0.66–0.93 s; to_polars now under 1 ms, was
0.07 s), Rust drill_down_columns 0.21–0.28 s, Rust drill_down as entries 0.57–0.66 s (was
0.59–0.79 s). This script right after (5 rounds × 5 runs, load average 1.2–2.1), twice:
drill_down + to_polars 0.432 s and 0.543 s (fastest 0.34 s, 0.35 s), Rust drill_down_columns
0.235 s and 0.324 s; rates Python/Rust 1.13 and 1.004 (per-round median 1.019 and 1.052,
single rounds 0.81–1.48: still noise larger than the 10 % to settle; fastest runs 0.0346 s
against 0.0337 s and 0.0368 s against 0.0360 s).

Seen on 2026-11-29 01:38 on main with every branch merged, nothing else running (3 rounds × 5
runs): rates Rust 0.0519 s, Python 0.0528 s (ratio 1.016; per round 1.027, 1.023, 1.063);
drill_down + to_polars 0.454 s (Rust drill_down_columns 0.313 s, to_polars 0.3 ms).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[3]
# The release module, installed before famplan is imported (test.sh installs a debug build).
_release = [sys.executable, "-m", "maturin", "develop", "--release", "--locked", "-q"]
print("$", " ".join(_release), flush=True)
subprocess.run(_release, cwd=ROOT / "bindings" / "python", check=True, env=dict(os.environ, VIRTUAL_ENV=sys.prefix))

import famplan  # noqa: E402  (after the release build above)
EVERYONE = 'code = "everyone"\nname = "all persons"\n[denominator]\n[numerator]\nsex = "F"\n'
CODES = ["case_file_rate", "cpr", "floating_check_rate", "method_mix"]
ON, AS_OF, PERIOD = datetime.date(2026, 6, 30), datetime.date(2026, 7, 15), "2026-06"


def synth(persons: int, out: pathlib.Path, *extra: str) -> pathlib.Path:
    if not (out / "persons.csv").exists():
        cmd = ["cargo", "run", "-q", "--release", "-p", "famplan-synth", "--", "--persons", str(persons), "--seed", "1", "--out", str(out), *extra]
        print("$", " ".join(cmd), flush=True)
        subprocess.run(cmd, cwd=ROOT, check=True)
    return out


def timed(f: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    result = f()
    return time.perf_counter() - t, result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    n = a.persons
    city = synth(n, ROOT / "target" / "bench" / f"city-{n}")
    one = synth(n, ROOT / "target" / "bench" / f"city-{n}-c1", "--communities", "1")
    cmd = ["cargo", "run", "-q", "--release", "-p", "famplan-python", "--example", "rust_calls", "--", str(city), str(one), str(a.repeats)]
    # The same PyO3 build settings as maturin's (test.sh), so that this cargo build and the
    # next `maturin develop` do not rebuild pyo3 for each other.
    env = dict(os.environ, PYO3_BUILD_EXTENSION_MODULE="1")
    for config in sorted((ROOT / "target" / "maturin").glob("pyo3-config-*-abi3.txt")):
        env["PYO3_CONFIG_FILE"] = str(config)
    print("$", " ".join(cmd), flush=True)

    import polars  # noqa: F401  (imported once, outside the timings)

    everyone = famplan.CustomRate.from_toml(EVERYONE)
    keys = ["rust_rates", "rust_drill", "rust_columns", "py_rates", "py_drill", "py_polars", "py_frame"]
    t: dict[str, list[float]] = {k: [] for k in keys}
    # Python over Rust for the rates, one ratio per round (of the round's medians): the rounds
    # alternate, so a ratio compares runs made under the same load.
    ratios: list[float] = []
    rows, table = 0, None
    for _ in range(a.rounds):
        # Rust, then the same calls in the same order here: the rates on the city, then the
        # drill-downs on the one-community city, each registry loaded for its phase.
        rust = json.loads(subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout)
        t["rust_rates"] += rust["rates_s"]
        t["rust_drill"] += rust["drill_down_s"]
        t["rust_columns"] += rust["drill_down_columns_s"]
        reg = famplan.Registry.from_snapshot(city, as_of=ON)
        for _ in range(a.repeats):
            s, table = timed(lambda: reg.rates(CODES, by="grid", period=PERIOD, as_of=AS_OF))
            t["py_rates"].append(s)
        ratios.append(statistics.median(t["py_rates"][-a.repeats :]) / statistics.median(rust["rates_s"]))
        reg = famplan.Registry.from_snapshot(one, as_of=ON)
        for _ in range(a.repeats):
            s, entries = timed(lambda: reg.drill_down(everyone, "1", by="community", period=PERIOD, as_of=AS_OF))
            t["py_drill"].append(s)
            s, df = timed(entries.to_polars)
            t["py_polars"].append(s)
            t["py_frame"].append(t["py_drill"][-1] + s)
            rows = len(entries)
            assert df.shape == (rust["drill_down_rows"], 10), df.shape
            del entries, df
        del reg
    assert table is not None
    m = {k: statistics.median(v) for k, v in t.items()}
    out = {
        "persons": n,
        "runs_each": len(t["py_rates"]),
        "rates_rows": len(table),
        "rust_rates_s": round(m["rust_rates"], 4),
        "python_rates_s": round(m["py_rates"], 4),
        "rates_ratio": round(m["py_rates"] / m["rust_rates"], 3),
        "rates_ratio_rounds_median": round(statistics.median(ratios), 3),
        "rates_ratio_rounds": [round(r, 3) for r in ratios],
        "drill_down_rows": rows,
        "rust_drill_down_s": round(m["rust_drill"], 4),
        "rust_drill_down_columns_s": round(m["rust_columns"], 4),
        "python_drill_down_s": round(m["py_drill"], 4),
        "to_polars_s": round(m["py_polars"], 4),
        # The goal: drill_down and to_polars together (a polars DataFrame of 1M rows).
        "python_drill_down_to_polars_s": round(m["py_frame"], 4),
        "columns_cost_s": round(m["py_drill"] - m["rust_columns"] + m["py_polars"], 4),
        # The machine is shared: the fastest runs say more than the medians about overhead.
        "min_rust_rates_s": round(min(t["rust_rates"]), 4),
        "min_python_rates_s": round(min(t["py_rates"]), 4),
        "min_rust_drill_down_s": round(min(t["rust_drill"]), 4),
        "min_python_drill_down_s": round(min(t["py_drill"]), 4),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
