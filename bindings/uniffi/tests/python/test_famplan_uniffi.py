"""The generated uniffi Python bindings: the cheapest check of the whole uniffi layer.

Each test goes through the FFI as the phone app does (records, enums, dates, errors);
the domain itself is tested in Rust.
"""

import datetime as dt
import json
import sqlite3
import subprocess
import sys

import pytest

from famplan_uniffi import (
    CaseFileStatus,
    FamplanError,
    FamplanStore,
    HousingKind,
    MaritalStatus,
    NewEvent,
    NewHousehold,
    NewPerson,
    NewVisit,
    ObligationState,
    Relation,
    Residency,
    Sex,
    Why,
)

D = dt.date(2026, 6, 10)


def ev(date, **kind):
    return NewEvent(date=date, kind=json.dumps(kind))


AREA = [
    ev(dt.date(2020, 1, 1), kind="area_defined", level="community", area="c1"),
    ev(dt.date(2020, 1, 1), kind="area_defined", level="zone", area="z1", parent="c1"),
    ev(dt.date(2020, 1, 1), kind="area_defined", level="grid", area="g1", parent="z1"),
    ev(dt.date(2020, 1, 1), kind="staff_assigned", staff="k1", role="keeper", level="grid", area="g1"),
]


def household(id="h1", housing=HousingKind.OWNER, date=dt.date(2026, 1, 5)):
    return NewHousehold(id=id, date=date, grid="g1", housing=housing, group=None, building=None, address="3-201")


def person(id="p1", household="h1", **over):
    fields = dict(
        id=id, date=dt.date(2026, 1, 5), household=household, name="李梅", sex=Sex.FEMALE,
        birth_date=dt.date(1996, 1, 15), id_number=None, phone=None, relation=Relation.HEAD,
        marital=MaritalStatus.SINGLE, marital_since=None, residency=Residency.FLOATING, tags=[],
    )
    fields.update(over)
    return NewPerson(**fields)


@pytest.fixture
def store(tmp_path):
    s = FamplanStore.open(str(tmp_path / "a.db"), "dev-a", "k1")
    s.record_events(AREA)
    return s


def test_ids_are_device_numbered_and_resume_after_reopen(tmp_path):
    path = str(tmp_path / "a.db")
    s = FamplanStore.open(path, "dev-a", "k1")
    assert s.record_events(AREA) == ["dev-a:1", "dev-a:2", "dev-a:3", "dev-a:4"]
    del s
    again = FamplanStore.open_with_timeout(path, "dev-a", "k1", 500)
    assert again.register_household(household()) == "dev-a:5"


def test_floating_woman_is_on_the_work_list_until_visited(store):
    store.register_household(household())
    store.register_person(person())
    before = store.work_list("k1", D)
    assert before.on == D and before.keeper == "k1"
    checks = [i for i in before.items if i.obligation.rule == "floating_monthly_check"]
    assert len(checks) == 1
    o = checks[0].obligation
    assert (o.person, o.state, o.window_start, o.window_end) == ("p1", ObligationState.DUE, dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    assert isinstance(o.why, Why.MEMBER) and o.visit_kind == "floating_monthly_check"
    store.record_visit(NewVisit(person="p1", date=D, kind="floating_monthly_check", outcome=None))
    after = store.work_list("k1", D)
    assert len(after.items) == len(before.items) - 1
    done = [o for o in store.person_file("p1", D).obligations if o.due == dt.date(2026, 6, 30) and o.rule == "floating_monthly_check"]
    assert done[0].state == ObligationState.DONE and done[0].fulfilled_on == D


def test_person_file_has_state_and_the_why(store):
    store.register_household(household())
    store.register_person(person(phone="138 0013 8000", id_number="11010519491231002X", birth_date=dt.date(1949, 12, 31)))
    store.record_events([ev(dt.date(2026, 3, 1), kind="married", person="p1")])
    f = store.person_file("p1", dt.date(2026, 3, 2))
    assert (f.name, f.sex, f.phone, f.id_number) == ("李梅", Sex.FEMALE, "13800138000", "11010519491231002X")
    assert f.state.marital == MaritalStatus.MARRIED and f.state.case_file == CaseFileStatus.MISSING()
    marriage = [o for o in f.obligations if o.rule == "marriage_home"][0]
    assert marriage.why == Why.EVENT(id="dev-a:7", kind="married")
    assert marriage.because == "event dev-a:7 (married)"


def test_grid_rates_against_targets(store):
    store.register_household(household())
    store.register_person(person(residency=Residency.REGISTERED))
    rates = {r.code: r for r in store.grid_rates("g1", dt.date(2026, 6, 1), dt.date(2026, 6, 30))}
    cf = rates["case_file_rate"]
    assert (cf.numerator, cf.denominator, cf.target, cf.met, cf.display) == (0, 1, 100.0, False, "0.00%")
    assert cf.name_zh == "个案建档率" and cf.gap == -100.0
    assert all(r.target is not None for r in rates.values())


def test_disclosure_page_and_publicity_plan(store):
    store.register_household(household())
    store.register_person(person(residency=Residency.REGISTERED))
    md = store.disclosure_page("community", D, False)
    assert md.startswith("# 计划生育政务公开") and "李梅" not in md
    assert store.disclosure_page("grid:g1", D, True).startswith("<!DOCTYPE html>")
    with pytest.raises(FamplanError.NotFound):
        store.disclosure_page("grid:g9", D, False)
    plan = store.publicity_plan(2026, D, "date,kind\n2026-05-12,mothers_day\n")
    mum = next(i for i in plan if i.kind == "mothers_day")
    assert (mum.due, mum.state, mum.done_on) == (dt.date(2026, 5, 10), "done", dt.date(2026, 5, 12))
    assert len(plan) == 21


def test_export_import_between_two_devices_returns_conflicts(tmp_path, store):
    store.register_household(household())
    store.register_person(person())
    batch = store.export_events(0)
    assert len(batch.events) == 6 and batch.watermark == 6
    assert store.export_events(batch.watermark).events == []
    b = FamplanStore.open(str(tmp_path / "b.db"), "dev-b", "k1")
    report = b.import_events(batch.events)
    assert (report.applied, report.duplicates, report.conflicts) == (6, 0, [])
    # Both devices record the same marriage offline: the second is a conflict, kept.
    store.record_events([ev(dt.date(2026, 3, 1), kind="married", person="p1")])
    b.record_events([ev(dt.date(2026, 3, 2), kind="married", person="p1")])
    report = b.import_events(store.export_events(batch.watermark).events)
    assert report.applied == 1
    assert [(c.event_id, c.kind) for c in report.conflicts] == [("dev-b:1", "married")]
    assert "married" in report.conflicts[0].reason
    assert [c.event_id for c in b.conflicts()] == ["dev-b:1"]
    assert b.status(D).conflicts == 1 and b.status(D).events == 8


def test_stock_on_hand_and_overdue_applications(store):
    store.register_household(household())
    store.register_person(person())
    store.record_events([
        ev(dt.date(2026, 6, 1), kind="stock_moved", point="s1", item="condom", lot="L1",
           movement="received", quantity=100, expires="2027-01-31"),
        ev(dt.date(2026, 6, 2), kind="supplies_dispensed", person="p1", item="condom", quantity=30, point="s1"),
        ev(dt.date(2026, 6, 1), kind="certificate", person="p1", certificate="service_booklet", action="applied"),
    ])
    # 100 received − 30 dispensed = 70.
    [line] = store.stock_on_hand(D)
    assert (line.point, line.lot, line.expires, line.quantity) == ("s1", "L1", dt.date(2027, 1, 31), 70)
    # Applied 1 June + 5 days = due 6 June; on 10 June 4 days overdue.
    [app] = store.applications_overdue(D)
    assert (app.kind, app.state, app.due, app.days_overdue) == ("service_booklet", "applied", dt.date(2026, 6, 6), 4)
    # Stock never goes negative: a conflict, nothing written.
    with pytest.raises(FamplanError.Conflict) as e:
        store.record_events([ev(D, kind="supplies_dispensed", person="p1", item="condom", quantity=71, point="s1")])
    assert "71 wanted, 70 on hand" in e.value.reason
    assert store.stock_on_hand(D)[0].quantity == 70


def test_invalid_input_names_field_and_reason_and_writes_nothing(store):
    store.register_household(household())
    events = store.status(D).events
    with pytest.raises(FamplanError.Invalid) as e:
        store.register_person(person(id_number="36042619910102009X"))
    assert e.value.field == "id_number" and "3" in e.value.reason
    with pytest.raises(FamplanError.Invalid) as e:
        store.record_events([ev(D, kind="married", person="p1"), NewEvent(date=D, kind="{not json")])
    assert e.value.field == "events[1].kind"
    with pytest.raises(FamplanError.Invalid) as e:
        store.import_events(['{"id":"x"}'])
    assert e.value.field == "events[0]" and "date" in e.value.reason
    assert store.status(D).events == events


def test_not_found_and_conflict_are_typed(store):
    with pytest.raises(FamplanError.NotFound) as e:
        store.work_list("nobody", D)
    assert (e.value.kind, e.value.id) == ("keeper", "nobody")
    with pytest.raises(FamplanError.NotFound) as e:
        store.record_visit(NewVisit(person="p9", date=D, kind="floating_monthly_check", outcome=None))
    assert (e.value.kind, e.value.id) == ("person", "p9")
    store.register_household(household())
    with pytest.raises(FamplanError.Conflict) as e:
        store.register_household(household())
    assert e.value.event == "dev-a:6" and "already exists" in e.value.reason


# Another process holds the write lock (in this process, a second SQLite library's POSIX
# locks would not conflict with the store's).
HOLD_LOCK = """
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
"""


def test_busy_and_other(tmp_path):
    path = tmp_path / "a.db"
    s = FamplanStore.open_with_timeout(str(path), "dev-a", "k1", 50)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(FamplanError.Busy):
            s.record_events(AREA)
    finally:
        holder.communicate("\n")
    assert len(s.record_events(AREA)) == 4  # free again, and nothing was half-written
    assert s.status(D).events == 4
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    with pytest.raises(FamplanError.Other) as e:
        FamplanStore.open(str(notes), "dev-a", "k1")
    assert "not a famplan store" in e.value.reason


# A made-up province 44 that keeps the extra-child approval (再生育审批) for a second child.
POLICY44 = """province = "44"
[[birth]]
jurisdiction = "44"
name = "province 44: one child, a second on approval"
from = "2026-01-01"
compliant_up_to = 1
approval_up_to = 2
"""


def test_policy_and_notices_are_kept_and_judge_applications(store):
    store.register_household(household())
    store.register_person(person())
    apply = ev(dt.date(2026, 6, 1), kind="certificate", person="p1", certificate="extra_child_approval", action="applied")
    # The national three-child rule has no approval: refused.
    with pytest.raises(FamplanError.Conflict):
        store.record_events([apply])
    with pytest.raises(FamplanError.Invalid) as e:
        store.set_policy('province = "Guangdong"\n')
    assert e.value.field == "policy.toml:1: province" and "Guangdong" in e.value.reason
    assert store.policy_text() is None
    store.set_policy(POLICY44)
    store.record_events([apply])
    assert store.eligibility_flags(D) == []
    # Back to the built-in rules: the application stays, listed for review.
    store.clear_policy()
    [flag] = store.eligibility_flags(D)
    assert (flag.person, flag.kind, flag.state) == ("p1", "extra_child_approval", "applied")
    # The service hotline comes from the community's notices.
    store.set_notices('hotline = "0755-12345678"\n')
    assert "服务热线：0755-12345678" in store.disclosure_page("community", D, False)
    with pytest.raises(FamplanError.Invalid):
        store.set_notices('hotline = "call us"\n')
