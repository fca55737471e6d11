"""A community's own birth policy (DOMAIN §11) passed as TOML text: the compliance rate,
eligibility, reward payments, the store keeping it. Expectations worked out by hand."""

from __future__ import annotations

import pathlib

import pytest

import famplan
from conftest import d

# Made-up province 44: one child only from 2022 (so a second child is non-compliant there,
# while the national three-child rule makes it compliant), 10 yuan a month.
POLICY44 = """province = "44"

[[birth]]
jurisdiction = "national"
name = "three children"
from = "2021-08-20"
compliant_up_to = 3

[[birth]]
jurisdiction = "44"
name = "province 44: one child"
from = "2022-01-01"
compliant_up_to = 1

[[reward]]
jurisdiction = "44"
name = "province 44 reward"
from = "2022-01-01"
amount_fen = 1000
per = "month"
"""


def birth(id: str, date: str, order: int) -> dict[str, object]:
    return {"id": id, "date": date, "recorded_at": f"{date}T00:00:00", "recorded_by": "k1",
            "kind": "pregnancy_ended", "person": "p1", "outcome": "live_birth",
            "children": [{"sex": "F", "birth_date": date, "order": order}]}


def compliance(reg: famplan.Registry, **kw: object) -> tuple[int, int]:
    t = reg.rates("policy_compliance_rate", "community", on=d("2023-12-31"),
                  period="2023", **kw).to_dict()  # type: ignore[arg-type]
    return t["numerator"][-1], t["denominator"][-1]


def test_a_policy_text_changes_the_compliance_numerator(example: famplan.Registry) -> None:
    # The example's p1 had her first child on 2023-03-10; a second on 2023-12-20.
    example.apply(birth("b2", "2023-12-20", 2))
    # Built-in (national three-child rule): both compliant, 2 / 2.
    assert compliance(example) == (2, 2)
    example.set_policy(POLICY44, file="mine.toml")
    assert example.policy_province == "44"
    # Province 44 allows one child: the second is non-compliant, 1 / 2.
    assert compliance(example) == (1, 2)
    # Naming another province: the national rules again, 2 / 2.
    assert compliance(example, province=11) == (2, 2)
    # 12 monthly payments of 1000 fen in 2023 = 12000 fen.
    pay = example.reward_payments("2023").to_dict()
    assert (len(pay["due"]), sum(pay["amount_fen"])) == (12, 12000)


def test_a_bad_policy_is_refused_with_its_line_and_changes_nothing(example: famplan.Registry) -> None:
    example.set_policy(POLICY44)
    with pytest.raises(famplan.InvalidInputError, match=r"^mine.toml:1: province: `Guangdong` is not a two-digit"):
        example.set_policy('province = "Guangdong"\n', file="mine.toml")
    assert example.policy_province == "44"


def test_the_store_keeps_the_policy(tmp_path: pathlib.Path) -> None:
    store = famplan.Store(tmp_path / "f.db")
    store.append(famplan.Registry.example().events())
    assert store.policy_text() is None
    store.set_policy(POLICY44, file="mine.toml")
    with pytest.raises(famplan.InvalidInputError, match=r"^bad.toml:1: province"):
        store.set_policy('province = "x"\n', file="bad.toml")
    assert store.policy_text() == POLICY44
    assert famplan.Store(tmp_path / "f.db").registry().policy_province == "44"
    store.clear_policy()
    assert store.registry().policy_province is None


def test_eligibility_flags_list_merged_ineligible_applications(example: famplan.Registry) -> None:
    example.apply(birth("b1", "2021-03-01", 1))
    apply = {"id": "c1", "date": "2022-05-01", "recorded_at": "2022-05-01T00:00:00", "recorded_by": "k1",
             "kind": "certificate", "person": "p1", "certificate": "only_child_honour", "action": "applied"}
    with pytest.raises(famplan.ConflictError, match="births after 2015-12-31"):
        example.apply(apply)
    example.merge([apply])
    flags = example.eligibility_flags(d("2026-06-30")).to_dict()
    assert (flags["event"], flags["state"]) == (["c1"], ["applied"])
    assert flags["reason"][0].endswith("(child born 2021-03-01)")


def test_the_hotline_comes_from_the_notices_text(example: famplan.Registry) -> None:
    page = example.disclosure_page(d("2026-06-30"), notices='hotline = "0755-12345678"\n')
    assert "服务热线：0755-12345678" in page
    assert "服务热线：" not in example.disclosure_page(d("2026-06-30"))
    with pytest.raises(famplan.InvalidInputError, match=r"^notices.toml:1: hotline: `call us` is not a service number"):
        example.disclosure_page(d("2026-06-30"), notices='hotline = "call us"\n')
