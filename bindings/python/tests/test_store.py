"""famplan.Store: the SQLite store, through the binding."""

from __future__ import annotations

import pathlib

import pytest

import famplan
from conftest import SMALL, d


def test_store_merge_record_and_reopen(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "famplan.db"
    store = famplan.Store(path)
    assert store.path == path
    events = famplan.Registry.example().events()
    report = store.merge(events)
    assert (report["applied"], report["duplicates"], report["conflicts"]) == (len(events), 0, [])
    # A marriage of a married woman is refused; nothing is written.
    again = {"id": "e-x", "date": "2026-08-01", "recorded_at": "2026-08-01T00:00:00", "recorded_by": "k1",
             "kind": "married", "person": "p1"}
    with pytest.raises(famplan.ConflictError, match="^event e-x: person `p1` is already married on 2026-08-01$"):
        store.record(again)
    del store
    reopened = famplan.Store(str(path))
    status = reopened.status(d("2026-06-30"))
    assert (status["events"], status["conflicts"], status["schema_version"], status["watermark"]) == (len(events), 0, 4, len(events))
    assert status["on"] == d("2026-06-30")
    reg = reopened.registry(as_of=d("2026-06-30"))
    assert reg.events() == events and reg.as_of == d("2026-06-30")


def test_store_append_is_all_or_nothing(tmp_path: pathlib.Path) -> None:
    store = famplan.Store(tmp_path / "a.db")
    events = famplan.Registry.example().events()
    assert store.append(events)["applied"] == len(events)
    assert store.append(events)["duplicates"] == len(events)
    death = {"id": "e1", "date": "2026-03-01", "recorded_at": "2026-03-01T00:00:00", "recorded_by": "k1",
             "kind": "died", "person": "p9"}
    with pytest.raises(famplan.ConflictError, match="unknown person `p9`"):
        store.append([death])
    assert store.status()["events"] == len(events)
    store.record({**death, "person": "p2"})
    assert store.status()["events"] == len(events) + 1


def test_store_imports_and_exports_a_snapshot(tmp_path: pathlib.Path) -> None:
    store = famplan.Store(tmp_path / "s.db")
    summary = store.import_snapshot(SMALL)
    assert (summary["persons"], summary["households"], summary["undated"]) == (7, 4, 14)
    with pytest.raises(famplan.ConflictError, match="already holds a snapshot"):
        store.import_snapshot(SMALL)
    reg = store.registry()
    assert len(reg) == 7
    out = tmp_path / "out"
    store.export_snapshot(out)
    assert len(famplan.Registry.from_snapshot(out)) == 7


def test_store_import_events_file_and_errors(tmp_path: pathlib.Path) -> None:
    store = famplan.Store(tmp_path / "e.db")
    bad = tmp_path / "events.jsonl"
    bad.write_text('{"id":"e1"}\n')
    with pytest.raises(famplan.InvalidInputError, match="events.jsonl:1: date: missing field `date`"):
        store.merge(bad)
    not_a_store = tmp_path / "notes.txt"
    not_a_store.write_text("hello")
    with pytest.raises(famplan.StoreError, match="notes.txt: not a famplan store: not an SQLite database$"):
        famplan.Store(not_a_store)
