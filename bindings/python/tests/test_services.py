"""Services (DOMAIN §9–§10): the supplies ledger and one-stop applications, as frames."""

from __future__ import annotations

import pytest

import famplan
from conftest import d


def event(id: str, date: str, kind: str, **fields: object) -> dict[str, object]:
    return {"id": id, "date": date, "recorded_at": f"{date}T00:00:00", "recorded_by": "k1", "kind": kind, **fields}


def test_stock_cover_and_expiring_supplies(example: famplan.Registry) -> None:
    example.apply(event("r1", "2026-04-01", "stock_moved", point="s1", item="condom", lot="L1",
                        movement="received", quantity=100, expires="2026-08-31"))
    example.apply(event("d1", "2026-06-01", "supplies_dispensed", person="p1", item="condom",
                        quantity=30, point="s1"))
    # 100 received − 30 dispensed = 70.
    stock = example.stock(d("2026-06-30")).to_dict()
    assert (stock["point"], stock["lot"], stock["quantity"]) == (["s1"], ["L1"], [70])
    # 30 used in the 90 days to 30 June: 70 × 90 / 30 = 210 days of cover.
    cover = example.supply_cover(d("2026-06-30")).to_dict()
    assert (cover["on_hand"], cover["used"], cover["days"]) == ([70], [30], [210])
    # L1 expires 31 August: 62 days after 30 June.
    assert example.expiring_supplies(d("2026-06-30"), within=62).to_dict()["lot"] == ["L1"]
    assert example.expiring_supplies(d("2026-06-30"), within=61).to_dict()["lot"] == []
    # Stock never goes negative: refused, nothing changes.
    with pytest.raises(famplan.ConflictError, match="71 wanted, 70 on hand"):
        example.apply(event("d2", "2026-06-02", "supplies_dispensed", person="p1", item="condom",
                            quantity=71, point="s1"))
    assert example.stock(d("2026-06-30")).to_dict()["quantity"] == [70]


def test_applications_overdue_and_service_requests(example: famplan.Registry) -> None:
    def cert(id: str, date: str, action: str) -> dict[str, object]:
        return event(id, date, "certificate", person="p1", certificate="service_booklet", action=action)

    example.apply(cert("a1", "2026-07-01", "applied"))
    example.apply(cert("a2", "2026-07-02", "under_review"))
    # Applied 1 July + 5 days = due 6 July; under review on 10 July: overdue.
    apps = example.applications(d("2026-07-10"), overdue=True).to_dict()
    assert (apps["state"], apps["due"], apps["overdue"]) == (["under_review"], [d("2026-07-06")], [True])
    with pytest.raises(famplan.ConflictError, match="`reissued` cannot follow `under_review`"):
        example.apply(cert("a3", "2026-07-03", "reissued"))
    assert example.applications(d("2026-07-10")).to_dict()["state"] == ["under_review"]
    example.apply(event("q1", "2026-07-01", "service_requested", request="r1", channel="hotline", topic="policy"))
    reqs = example.service_requests(d("2026-07-10")).to_dict()
    assert (reqs["request"], reqs["answered_on"]) == (["r1"], [None])
