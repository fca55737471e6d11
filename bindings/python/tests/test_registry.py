"""Loading a registry (snapshot, events from dicts or files), applying and merging events,
records as frames."""

from __future__ import annotations

import datetime
import json
import pathlib
import threading
import time

import pytest

import famplan
from conftest import SMALL, d

MARRIED_AGAIN = {
    "id": "e-x",
    "date": "2026-08-01",
    "recorded_at": "2026-08-01T09:00:00",
    "recorded_by": "k1",
    "kind": "married",
    "person": "p1",
}


def test_from_snapshot_reads_the_small_snapshot(small: famplan.Registry) -> None:
    s = small.import_summary
    assert s is not None
    # As tests/it/snapshot.rs: 3 grids, 4 households, 7 persons, 5 visits; 5 + 5 + 2 + 2 undated facts.
    assert (s["areas"], s["households"], s["persons"], s["visits"], s["events"], s["undated"]) == (3, 4, 7, 5, 0, 14)
    assert s["warnings"] == [] and s["rejects"] == []
    assert len(small) == 7 and small.household_count == 4
    assert small.as_of == d("2026-06-30")
    assert repr(small).startswith("Registry(7 persons, 4 households")


def test_from_snapshot_accepts_a_path_object() -> None:
    assert len(famplan.Registry.from_snapshot(pathlib.Path(SMALL))) == 7


def test_persons_frame(small: famplan.Registry) -> None:
    p = {r["person"]: r for r in small.persons().rows()}
    assert set(p) == {"1", "2", "3", "4", "5", "6", "7"}
    one = p["1"]
    assert (one["grid"], one["sex"], one["age"], one["method"], one["method_since"]) == ("1011", "F", 36, "iud", d("2026-01-31"))
    assert one["married_wra"] and one["case_file_open"]
    assert (p["3"]["residency"], p["3"]["age"]) == ("floating", 18)
    assert (p["4"]["marital"], p["4"]["married_wra"], p["4"]["wra"]) == ("divorced", False, True)
    assert p["6"]["residency"] == "moved_out"
    # On 2025-02-28 person 3 was not here yet: departed (not in the registry's residents).
    assert {r["person"]: r["residency"] for r in small.persons(d("2025-02-28")).rows()}["3"] == "departed"


def test_apply_changes_the_state_and_a_refused_event_changes_nothing(example: famplan.Registry) -> None:
    removal = {"id": "e-100", "date": d("2026-09-01"), "recorded_at": "2026-09-01T00:00:00", "recorded_by": "k1",
               "kind": "procedure_performed", "person": "p1", "procedure": "iud_removal"}
    example.apply(removal)
    methods = lambda on: {r["person"]: r["method"] for r in example.persons(on).rows()}  # noqa: E731
    assert methods(d("2026-08-31"))["p1"] == "iud"
    assert methods(d("2026-09-01"))["p1"] == "none"
    before = len(example.events())
    with pytest.raises(famplan.ConflictError) as e:
        example.apply({**removal, "id": "e-101", "date": "2026-10-01"})
    assert str(e.value) == "event e-101: person `p1` uses none, not iud, on 2026-10-01"
    assert len(example.events()) == before


def test_merge_keeps_conflicts(example: famplan.Registry) -> None:
    report = example.merge([MARRIED_AGAIN])
    assert report["applied"] == 0 and report["duplicates"] == 0
    assert report["conflicts"] == [("e-x", "person `p1` is already married on 2026-08-01")]
    c = example.conflicts()
    assert c.column("event") == ["e-x"] and c.column("kind") == ["married"] and c.column("date") == [d("2026-08-01")]
    again = example.merge(example.events())
    assert again["applied"] == 0 and again["duplicates"] == len(example.events())


def test_events_round_trip_through_a_jsonl_file(example: famplan.Registry, tmp_path: pathlib.Path) -> None:
    events = example.events()
    assert events[0]["id"] and "kind" in events[0]
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events))
    assert famplan.read_events(path) == events
    again = famplan.Registry.from_events(path)
    assert again.events() == events
    assert famplan.Registry.from_events(str(path)).rates("cpr", on=d("2026-06-30")).to_dict() == example.rates(
        "cpr", on=d("2026-06-30")
    ).to_dict()


def test_empty_registry() -> None:
    reg = famplan.Registry()
    assert len(reg) == 0 and reg.as_of is None and reg.import_summary is None
    assert len(reg.persons(d("2026-01-01"))) == 0


def test_the_gil_is_released_while_a_snapshot_loads(tmp_path: pathlib.Path) -> None:
    # 150,000 persons: the load takes a while; a Python thread keeps running meanwhile.
    for name in ["areas.csv", "households.csv"]:
        (tmp_path / name).write_text((SMALL / name).read_text())
    (tmp_path / "visits.csv").write_text("visit_id,person_id,date,kind\n")
    header = (SMALL / "persons.csv").read_text().splitlines()[0]
    rows = "".join(f"p{i},1,1011,F,1990-05-01,married,registered,1,iud,2020-01-31,,,,,,,,\n" for i in range(150_000))
    (tmp_path / "persons.csv").write_text(header + "\n" + rows)
    ticks = 0
    stop = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.0005)

    t = threading.Thread(target=count)
    t.start()
    time.sleep(0.01)
    start_ticks = ticks
    t0 = time.perf_counter()
    reg = famplan.Registry.from_snapshot(tmp_path)
    elapsed = time.perf_counter() - t0
    during = ticks - start_ticks
    stop.set()
    t.join()
    assert len(reg) == 150_000
    # With the GIL held for the whole load the thread could tick once at most.
    print(f"load {elapsed:.3f} s, {during} ticks")
    assert elapsed > 0.02 and during >= 10, (during, elapsed)


def test_disclosure_page_is_masked_and_escaped() -> None:
    reg = famplan.Registry.example()
    md = reg.disclosure_page(datetime.date(2026, 6, 30))
    assert md.startswith("# 计划生育政务公开")
    assert "## 动态类" in md and "李梅" not in md
    html = reg.disclosure_page(datetime.date(2026, 6, 30), format="html", board="grid:g1")
    assert html.startswith("<!DOCTYPE html>")
    with pytest.raises(famplan.NotFoundError, match="unknown grid `g9`"):
        reg.disclosure_page(datetime.date(2026, 6, 30), board="grid:g9")


def test_publicity_plan_frame(tmp_path: pathlib.Path) -> None:
    log = tmp_path / "activities.csv"
    log.write_text("date,kind,theme\n2026-05-12,mothers_day,关爱母亲\n", encoding="utf-8")
    plan = famplan.publicity_plan(2026, datetime.date(2026, 6, 1), log)
    assert len(plan) == 21
    mum = plan.column("title").index("2026年母亲节（5月10日）")
    assert plan.column("state")[mum] == "done"
    assert plan.column("done_on")[mum] == datetime.date(2026, 5, 12)
    assert plan.column("state")[0] == "late"  # January's blackboard: nothing logged
