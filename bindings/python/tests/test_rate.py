"""The hand-computed rate cases of testdata/rates/*.toml give, from Python, the numbers the
Rust tests (tests/it/rate.rs) expect; targets and the catalogue."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

import famplan
from conftest import TESTDATA, d, event_lines

BASE = (TESTDATA / "rates" / "base.events").read_text()
FILES = ["stock", "period", "births", "verification", "followup", "surveys", "custom"]
CASES = [
    pytest.param(case, id=f"{f}: {case['name']}")
    for f in FILES
    for case in tomllib.loads((TESTDATA / "rates" / f"{f}.toml").read_text())["case"]
]


KEYS = {"name", "rate", "on", "period", "as_of", "basis", "by", "key", "base", "events", "custom", "method",
        "numerator", "denominator", "start", "end", "missing"}


def registry(case: dict[str, Any]) -> famplan.Registry:
    events = event_lines(BASE, "b") if case.get("base", True) else []
    events += event_lines(case.get("events", ""), "e")
    reg = famplan.Registry.from_events(events)
    assert len(reg.conflicts()) == 0
    return reg


def test_every_catalogue_rate_has_a_case() -> None:
    codes = {c["rate"] for c in (p.values[0] for p in CASES)}  # type: ignore[index]
    assert set(famplan.catalogue().column("code")) <= codes


@pytest.mark.parametrize("case", CASES)
def test_hand_computed_case(case: dict[str, Any]) -> None:
    # A field this test does not know would be silently ignored: fail instead.
    assert set(case) <= KEYS, set(case) - KEYS
    reg = registry(case)
    code: str | famplan.CustomRate = case["rate"]
    if "custom" in case:
        code = famplan.CustomRate.from_toml(case["custom"])
        assert code.code == case["rate"]
    period = tuple(d(x) for x in case["period"].split("..")) if "period" in case else None
    by, key = case.get("by", "community"), case.get("key", "c1")
    as_of = d(case["as_of"]) if "as_of" in case else None
    kw: dict[str, Any] = dict(on=d(case["on"]), period=period, as_of=as_of, method=case.get("method"),
                             basis=case.get("basis", "on_date"))
    table = reg.rates(code, by=by, **kw)
    row = [r for r in table.rows() if r["key"] == key]
    got = (row[0]["numerator"], row[0]["denominator"], row[0]["start"], row[0]["end"]) if row else (0, 0, 0, 0)
    want = (case["numerator"], case.get("denominator", 0), case.get("start", 0), case.get("end", 0))
    assert got == want
    # Grouped by grid, the parts add up to the community's total.
    grids = reg.rates(code, by="grid", **kw)
    community = reg.rates(code, by="community", **kw)
    assert sum(grids.column("denominator")) == sum(community.column("denominator"))
    assert sum(grids.column("numerator")) == sum(community.column("numerator"))
    mean = case["rate"] in ("birth_rate", "general_fertility_rate", "sex_ratio_at_birth")
    if not mean:
        entries = reg.drill_down(code, key, by=by, **kw)
        counted = entries.column("counted")
        assert len(entries) == want[1]
        assert counted.count(False) == want[1] - want[0]
        missing = [m for m, c in zip(entries.column("missing"), counted) if not c]
        assert all(m is not None for m in missing)
        if "missing" in case:
            assert missing == case["missing"]


def test_rates_frame_columns_and_display(example: famplan.Registry) -> None:
    t = example.rates(["case_file_rate", "cpr"], by="zone", on=d("2026-06-30"))
    assert t.column_names == ["code", "key", "numerator", "denominator", "start", "end", "value", "rate"]
    rows = {(r["code"], r["key"]): r for r in t.rows()}
    assert rows[("cpr", "z1")]["value"] == 100.0 and rows[("cpr", "z1")]["rate"] == "100.00%"
    # No data is null, never 0 % or 100 %.
    assert rows[("cpr", "z2")]["value"] is None and rows[("cpr", "z2")]["rate"] == "-"


def test_rates_defaults_to_the_registry_as_of() -> None:
    reg = famplan.Registry.example(as_of=d("2026-06-30"))
    assert reg.as_of == d("2026-06-30")
    assert reg.rates("case_file_rate", by="community").column("numerator") == [1]


def test_rates_period_as_a_string_and_the_method_filter(example: famplan.Registry) -> None:
    q2 = example.rates("floating_check_rate", by="keeper", on=d("2026-06-30"), period="2026-Q2")
    assert q2.column("key") == ["k1", "k2"]
    assert q2.column("denominator") == [0, 1]
    iud = example.rates("method_mix", by="community", on=d("2026-06-30"), method="iud")
    assert iud.column("numerator") == [1]


def test_population_by_grid_of_the_small_snapshot(small: famplan.Registry) -> None:
    # As tests/it/snapshot.rs: 1011: 4 residents, 3 WRA, 1 married; 1012: 1, 1, 1; 1021: 1, 0, 0.
    p = small.population_by_grid()
    assert list(zip(*(p.column(c) for c in ["grid", "resident", "wra", "married_wra"]))) == [
        ("1011", 4, 3, 1),
        ("1012", 1, 1, 1),
        ("1021", 1, 0, 0),
    ]


TARGET_FIXTURE = """
2020-01-01 person_registered {"person":"p1","household":"h1","sex":"F","birth_date":"1990-05-01","marital":"married","residency":"registered"}
2020-01-01 person_registered {"person":"p2","household":"h2","sex":"F","birth_date":"1991-05-01","marital":"single","residency":"floating"}
2020-01-01 person_registered {"person":"p3","household":"h2","sex":"F","birth_date":"1992-05-01","marital":"single","residency":"floating"}
2020-02-01 case_file_opened {"person":"p1"}
2024-01-01 procedure_performed {"person":"p1","procedure":"iud_insertion"}
2026-06-10 visit_recorded {"person":"p3","visit":"floating_monthly_check"}
"""


def test_targets_from_csv_are_assessed_and_allocated() -> None:
    # The same fixture and numbers as `targets_from_csv_are_assessed_and_allocated` in Rust.
    reg = famplan.Registry.from_events(event_lines(BASE, "b") + event_lines(TARGET_FIXTURE, "t"))
    targets = famplan.Target.from_csv((TESTDATA / "rates" / "targets.csv").read_text())
    assert len(targets) == 5
    assert (targets[2].cmp, targets[2].weight) == (">=", 1.0)
    a = reg.assess(targets)
    got = list(zip(a.column("numerator"), a.column("denominator"), a.column("met"), a.column("rank")))
    assert got == [(1, 3, False, 1), (1, 1, True, 1), (0, 2, False, 1), (1, 1, True, 1), (1, 2, True, 1)]
    assert a.column("score")[0] == pytest.approx(4.0 / 3.0)
    assert a.column("gap")[2] == -100.0
    grids = reg.allocate(targets[0], "grid", "by_denominator")
    assert [(t.unit, round(t.weight * 3)) for t in grids] == [("g1", 4), ("g2", 8)]
    same = reg.allocate(targets[0], "zone")
    assert all(t.value == 100.0 and t.weight == 4.0 and t.level == "zone" for t in same)
    with pytest.raises(famplan.InvalidInputError, match="cannot allocate"):
        reg.allocate(targets[1], "zone")


def test_targets_from_toml() -> None:
    ts = famplan.Target.from_toml(
        '[[target]]\nrate = "case_file_rate"\nlevel = "community"\nunit = "c1"\n'
        'start = "2026-01-01"\nend = "2026-06-30"\nvalue = 100\n'
    )
    t = ts[0]
    assert (t.rate, t.level, t.unit, t.start, t.end, t.cmp, t.value, t.weight) == (
        "case_file_rate", "community", "c1", d("2026-01-01"), d("2026-06-30"), ">=", 100.0, 1.0,
    )
    assert "case_file_rate community c1" in repr(t)


def test_unknown_rate_in_a_target_is_not_found() -> None:
    t = famplan.Target.from_toml(
        '[[target]]\nrate = "nope"\nlevel = "grid"\nunit = "g1"\nstart = "2026-01-01"\nend = "2026-01-31"\nvalue = 1\n'
    )
    with pytest.raises(famplan.NotFoundError, match="^unknown rate `nope`$"):
        famplan.Registry().assess(t)


def test_catalogue() -> None:
    c = famplan.catalogue()
    assert len(c) == 24
    row = next(r for r in c.rows() if r["code"] == "birth_rate")
    assert (row["zh"], row["scale"], row["mean_population"], row["default_target"]) == ("出生率", "per_mille", True, None)
    assert next(r for r in c.rows() if r["code"] == "supply_followup_rate")["default_target"] == 98.0


def test_custom_rate_attributes() -> None:
    text = (TESTDATA / "rates" / "iud_followup.toml").read_text()
    c = famplan.CustomRate.from_toml(text)
    assert c.code == "iud_followup_rate"
    assert isinstance(c.name, str)
    assert repr(c) == 'CustomRate("iud_followup_rate")'
