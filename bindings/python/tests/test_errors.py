"""Every exception class, with its message (place first, then the reason)."""

from __future__ import annotations

import datetime
import pathlib

import pytest

import famplan
from conftest import SMALL, d


def test_the_tree() -> None:
    for cls in [famplan.InvalidInputError, famplan.NotFoundError, famplan.ConflictError, famplan.StoreError]:
        assert issubclass(cls, famplan.FamplanError)
        assert cls.__module__ == "famplan"
    assert issubclass(famplan.FamplanError, Exception)


def spoiled(tmp_path: pathlib.Path, file: str, old: str, new: str) -> pathlib.Path:
    for f in SMALL.iterdir():
        text = f.read_text()
        (tmp_path / f.name).write_text(text.replace(old, new) if f.name == file else text)
    return tmp_path


def test_invalid_input_names_file_line_field(tmp_path: pathlib.Path) -> None:
    bad = spoiled(tmp_path, "persons.csv", "1990-05-01", "1990-02-30")
    with pytest.raises(famplan.InvalidInputError) as e:
        famplan.Registry.from_snapshot(bad)
    # Every problem found, each with its place; person 1's visits then name an unknown person.
    lines = str(e.value).splitlines()
    assert lines[0] == "3 problem(s), nothing imported:"
    assert lines[1] == f"  {bad / 'persons.csv'}:2: birth_date: `1990-02-30` is not a date YYYY-MM-DD"
    assert lines[2] == f"  {bad / 'visits.csv'}:2: person_id: unknown person `1`"


def test_keep_going_lists_the_refused_rows(tmp_path: pathlib.Path) -> None:
    bad = spoiled(tmp_path, "persons.csv", "1990-05-01", "1990-02-30")
    reg = famplan.Registry.from_snapshot(bad, keep_going=True)
    assert len(reg) == 6
    summary = reg.import_summary
    assert summary is not None and summary["rejects"][0] == f"{bad / 'persons.csv'}:2: birth_date: `1990-02-30` is not a date YYYY-MM-DD"


def test_invalid_event_dict_names_the_position_and_field(example: famplan.Registry) -> None:
    with pytest.raises(famplan.InvalidInputError) as e:
        famplan.Registry.from_events([example.events()[0], {"id": "x"}])
    assert str(e.value) == "1 problem(s), nothing imported:\n  events:2: date: missing field `date`"
    with pytest.raises(famplan.InvalidInputError, match="\n  event:1: date: missing field `date`$"):
        example.apply({"id": "x"})
    with pytest.raises(famplan.InvalidInputError, match="^event: expected an event dict$"):
        example.apply(["not", "a", "dict"])


def test_invalid_arguments_name_the_argument(example: famplan.Registry) -> None:
    on = d("2026-06-30")
    with pytest.raises(famplan.InvalidInputError, match="^by: `street` is not one of community, zone, grid, group, keeper$"):
        example.rates("cpr", by="street", on=on)
    with pytest.raises(famplan.InvalidInputError, match="^codes: "):
        example.rates("no_such_rate", on=on)
    with pytest.raises(famplan.InvalidInputError, match="^period: `2026-13` is not a period"):
        example.rates("cpr", on=on, period="2026-13")
    with pytest.raises(famplan.InvalidInputError, match="^period: period 2026-06-30..2026-06-01 ends before it starts$"):
        example.rates("cpr", on=on, period=(d("2026-06-30"), d("2026-06-01")))
    with pytest.raises(famplan.InvalidInputError, match="^method: "):
        example.rates("method_mix", on=on, method="coil")
    with pytest.raises(famplan.InvalidInputError, match="^basis: `latest` is not a state basis \\(on_date, as_recorded\\)$"):
        example.rates("cpr", on=on, basis="latest")  # type: ignore[arg-type]
    with pytest.raises(famplan.InvalidInputError, match="^on: give the reference date: this registry has no as_of$"):
        example.rates("cpr")
    with pytest.raises(famplan.InvalidInputError, match="^how: `evenly` is not one of same, by_denominator$"):
        example.allocate(famplan.Target.from_csv("rate,level,unit,start,end,cmp,value,weight\ncpr,community,c1,2026-01-01,2026-12-31,>=,80,1\n")[0], "zone", "evenly")
    # A str where a date is expected is a TypeError, not a guess.
    with pytest.raises(TypeError):
        example.rates("cpr", on="2026-06-30")  # type: ignore[arg-type]


def test_invalid_rules_and_targets() -> None:
    bad = '[[rule]]\nid = "iud"\ntriggers = [{ on = "procedure", procedures = ["iud_insertion"] }]\n' \
          'due = [{ months = 1, before = -7, after = 14 }]\nfulfilled_by = { visit = "post_surgery" }\n'
    with pytest.raises(famplan.InvalidInputError) as e:
        famplan.RuleSet.from_toml(bad, "rules.toml")
    assert str(e.value) == "rules.toml:1: rule `iud`: due[0].before: must not be negative, found -7"
    with pytest.raises(famplan.InvalidInputError, match="^targets.csv:2"):
        famplan.Target.from_csv("rate,level,unit,start,end,cmp,value,weight\ncpr,grid,g1,2026-01-01,2026-13-01,>=,80,1\n")
    with pytest.raises(famplan.InvalidInputError, match="^targets.toml: "):
        famplan.Target.from_toml("[[target]]\nrate = 1")
    with pytest.raises(famplan.InvalidInputError):
        famplan.CustomRate.from_toml("code = 1")


def test_not_found(tmp_path: pathlib.Path) -> None:
    with pytest.raises(famplan.NotFoundError, match="nowhere: not a directory$"):
        famplan.Registry.from_snapshot(tmp_path / "nowhere")
    (tmp_path / "areas.csv").write_text("grid_id,zone_id,community_id\n")
    with pytest.raises(famplan.InvalidInputError, match="households.csv: file: required file missing$"):
        famplan.Registry.from_snapshot(tmp_path)
    with pytest.raises(famplan.NotFoundError, match="missing.jsonl: No such file"):
        famplan.read_events(tmp_path / "missing.jsonl")
    with pytest.raises(famplan.InvalidInputError, match="events.txt: file: unknown events format"):
        famplan.read_events(tmp_path / "events.txt")


def test_conflict() -> None:
    reg = famplan.Registry.example()
    with pytest.raises(famplan.ConflictError) as e:
        reg.apply({"id": "x1", "date": datetime.date(2026, 1, 1), "recorded_at": "2026-01-01T00:00:00",
                   "recorded_by": "k1", "kind": "died", "person": "p9"})
    assert str(e.value) == "event x1: unknown person `p9`"


def test_store_error(tmp_path: pathlib.Path) -> None:
    f = tmp_path / "other.db"
    f.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(famplan.StoreError) as e:
        famplan.Store(f)
    assert str(e.value).startswith(str(f))


def test_famplan_error_for_what_has_no_finer_class(tmp_path: pathlib.Path) -> None:
    # persons.csv is a directory: an I/O failure that is neither bad input nor a missing file.
    for f in SMALL.iterdir():
        if f.name != "persons.csv":
            (tmp_path / f.name).write_text(f.read_text())
    (tmp_path / "persons.csv").mkdir()
    with pytest.raises(famplan.FamplanError) as e:
        famplan.Registry.from_snapshot(tmp_path)
    assert type(e.value) is famplan.FamplanError
    assert str(e.value) == f"1 problem(s), nothing imported:\n  {tmp_path / 'persons.csv'}: Is a directory (os error 21)"
