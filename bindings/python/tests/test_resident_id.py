"""validate_resident_id: the examples of DOMAIN §12."""

from __future__ import annotations

import pytest

import famplan
from conftest import d


def test_valid_numbers() -> None:
    i = famplan.validate_resident_id("11010519491231002X")
    assert (i.number, i.area_code, i.birth_date, i.sex) == ("11010519491231002X", "110105", d("1949-12-31"), "F")
    assert str(i) == "11010519491231002X" and repr(i) == 'ResidentId("11010519491231002X")'
    assert famplan.validate_resident_id("440524188001010014").sex == "M"
    # lower-case x, and the legacy 15-digit form
    assert famplan.validate_resident_id("11010519491231002x").number == "11010519491231002X"
    assert famplan.validate_resident_id("110105491231002").number == "11010519491231002X"


def test_disagreements_with_the_record() -> None:
    i = famplan.validate_resident_id("11010519491231002X")
    assert i.disagreements(d("1949-12-31"), "F") == []
    assert i.disagreements(d("1990-01-01"), "M") == ["birth_date", "sex"]


@pytest.mark.parametrize(
    "number, message",
    [
        ("36042619910102009X", "resident_id: `36042619910102009X`: check character is `X`, expected `3`"),
        ("4405241880010100", "resident_id: `4405241880010100`: length is 16, expected 18 (or a legacy 15)"),
    ],
)
def test_invalid_numbers(number: str, message: str) -> None:
    with pytest.raises(famplan.InvalidInputError) as e:
        famplan.validate_resident_id(number)
    assert str(e.value) == message


def test_future_birth_date_with_today() -> None:
    first17 = "11010520300101002"
    check = "10X98765432"[sum(int(c) * w for c, w in zip(first17, [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])) % 11]
    future = first17 + check
    assert famplan.validate_resident_id(future).birth_date == d("2030-01-01")
    with pytest.raises(famplan.InvalidInputError, match="birth date 2030-01-01 is in the future"):
        famplan.validate_resident_id(future, today=d("2026-11-28"))
