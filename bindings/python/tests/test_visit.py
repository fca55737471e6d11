"""Visit rules, schedules, work lists and verification, with the numbers of the Rust docs."""

from __future__ import annotations

import pathlib

import pytest

import famplan
from conftest import ROOT, d


def test_work_list_of_a_grid_puts_priority_clients_first(example: famplan.Registry) -> None:
    w = example.work_list("g2", d("2026-06-10"))
    assert w.column("rule") == ["floating_monthly_check", "reconciliation"]
    assert w.column("priority_client") == [True, False]
    assert w.column("person") == ["p3", None] and w.column("household") == ["h2", "h2"]
    assert set(w.column("state")) == {"due"} and w.column("assignee") == ["k2", "k2"]
    # The keeper visits p3: one item is left (the schedule is rebuilt after the event).
    example.apply({"id": "v1", "date": "2026-06-10", "recorded_at": "2026-06-10T10:00:00", "recorded_by": "k2",
                   "kind": "visit_recorded", "person": "p3", "visit": "floating_monthly_check"})
    assert example.work_list("g2", d("2026-06-10")).column("rule") == ["reconciliation"]


def test_work_list_window_and_why(example: famplan.Registry) -> None:
    # p1's yearly IUD follow-up: due 2026-05-01, window opens 30 days before.
    w = example.work_list("g1", d("2026-04-15"))
    assert len(w) == 1
    row = w.rows()[0]
    assert (row["due"], row["window_start"], row["window_end"]) == (d("2026-05-01"), d("2026-04-01"), d("2026-05-31"))
    assert row["why"] == "event ex16 (procedure_performed)" and row["trigger_date"] == d("2024-05-01")


def test_keeper_work_list(example: famplan.Registry) -> None:
    assert len(example.keeper_work_list("k1", d("2026-04-15"))) == 1
    assert len(example.keeper_work_list("nobody", d("2026-04-15"))) == 0
    assert example.keeper_work_list("k2", d("2026-06-10")).column("rule")[0] == "floating_monthly_check"


def test_schedule_of_a_person(example: famplan.Registry) -> None:
    p1 = example.schedule("p1", d("2026-03-01"), period="2026")
    assert p1.column("due") == [d("2026-05-01")] and p1.column("state") == ["upcoming"]
    # floating since 2024: one monthly check per month of 2026
    assert len(example.schedule("p3", d("2026-03-15"), period=(d("2026-01-01"), d("2026-12-31")))) == 12


def test_obligations_with_fulfilment(example: famplan.Registry) -> None:
    obs = example.obligations("2024", as_of=d("2024-12-31"))
    iud = [r for r in obs.rows() if r["rule"] == "iud_followup"]
    assert [(r["due"], r["state"]) for r in iud] == [
        (d("2024-06-01"), "done"),
        (d("2024-08-01"), "missed"),
        (d("2024-11-01"), "missed"),
    ]
    assert (iud[0]["fulfilled_on"], iud[0]["fulfilled_by"]) == (d("2024-06-03"), "ex17")
    assert iud[1]["fulfilled_on"] is None and iud[0]["cancelled_on"] is None


def test_snapshot_rows_schedule_visits(small: famplan.Registry) -> None:
    # As `snapshot_rows_schedule_visits` in tests/it/visit.rs.
    obs = small.obligations("2026", as_of=d("2026-07-15"))
    iud = [(r["due"], r["state"], r["fulfilled_by"]) for r in obs.rows() if r["rule"] == "iud_followup" and r["person"] == "1"]
    assert iud == [(d("2026-02-28"), "done", "1"), (d("2026-04-30"), "done", "4"), (d("2026-07-31"), "upcoming", None)]
    assert next(r["why"] for r in obs.rows() if r["rule"] == "iud_followup") == "persons.csv method_start"
    rec = sorted(r["household"] for r in obs.rows() if r["rule"] == "reconciliation" and r["due"] == d("2026-09-30"))
    assert rec == ["2", "3"]


def test_rule_sets() -> None:
    rules = famplan.RuleSet.default()
    assert len(rules) == 14 and rules.ids[0] == "marriage_home" and "pill_resupply" in rules.ids
    again = famplan.RuleSet.from_toml(rules.to_toml(), "x.toml")
    assert again.ids == rules.ids
    assert repr(again).startswith("RuleSet(marriage_home, ")
    json_rules = famplan.RuleSet.from_json(
        '[{"id": "m", "triggers": [{"on": "married"}], "due": [{"days": 30, "before": 30, "after": 15}],'
        ' "fulfilled_by": {"visit": "marriage_home"}}]'
    )
    assert json_rules.ids == ["m"]
    assert famplan.RuleSet.read(ROOT / "rules" / "default.toml").ids == rules.ids


def test_custom_rules_change_the_work_list(example: famplan.Registry, tmp_path: pathlib.Path) -> None:
    only_iud = [r for r in famplan.RuleSet.default().to_toml().split("[[rule]]") if 'id = "iud_followup"' in r]
    path = tmp_path / "rules.toml"
    path.write_text("[[rule]]" + only_iud[0])
    rules = famplan.RuleSet.read(path)
    assert rules.ids == ["iud_followup"]
    assert len(example.work_list("g2", d("2026-06-10"), rules=rules)) == 0
    assert len(example.work_list("g2", d("2026-06-10"))) == 2


VERIFICATION = {
    "id": "v1", "date": "2026-06-10", "recorded_at": "2026-06-10T10:00:00", "recorded_by": "k1",
    "kind": "verification_recorded", "household": "h1",
    "observed": [{"person": "p1", "sex": "F"}, {"name": "陈新"}],
}


def test_verify(example: famplan.Registry) -> None:
    example.apply(VERIFICATION)
    v = example.verify("2026-06", as_of=d("2026-06-10"))
    assert v.column("outcome") == ["matched", "unfiled", "not_found"]  # p2 was not seen
    assert v.column("person") == ["p1", None, "p2"]
    assert set(v.column("event")) == {"v1"} and set(v.column("date")) == {d("2026-06-10")}
    assert len(example.verify("2026-05", as_of=d("2026-06-30"))) == 0


def test_mismatched_items_are_listed(example: famplan.Registry) -> None:
    example.apply({**VERIFICATION, "observed": [{"person": "p1", "sex": "M"}]})
    v = example.verify("2026-06", as_of=d("2026-06-30"))
    assert (v.column("outcome")[0], v.column("items")[0]) == ("mismatched", "sex")


def test_unknown_grid_and_person_are_not_found(example: famplan.Registry) -> None:
    with pytest.raises(famplan.NotFoundError, match="^unknown grid `g9`$"):
        example.work_list("g9", d("2026-06-10"))
    with pytest.raises(famplan.NotFoundError, match="^unknown person `p9`$"):
        example.schedule("p9", d("2026-06-10"))
