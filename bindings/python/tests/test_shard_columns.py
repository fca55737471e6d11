"""famplan.spark's handoff without CSV text: a shard's tables as Arrow text columns
(`_famplan.shard_partials_columns`) give the partial rows of the same text as CSV
(`shard_partials`), for nulls, sliced arrays and 64-bit offsets; a bad value is located as in
the file. No Spark needed."""

from __future__ import annotations

from typing import Any

import pytest

import famplan
from conftest import SMALL, TESTDATA, d
from famplan import _famplan

pa = pytest.importorskip("pyarrow")
pcsv = pytest.importorskip("pyarrow.csv")

KW: dict[str, Any] = dict(on=d("2026-06-30"), period="2026-Q2", as_of=d("2026-07-16"))
RATES: list[Any] = [r["code"] for r in famplan.catalogue().rows()] + [
    (famplan.CustomRate.from_toml((TESTDATA / "rates" / "iud_followup.toml").read_text()), "2026-06")
]
TABLES = ["areas", "households", "persons", "visits"]


def read(name: str) -> Any:
    """A snapshot file as a pyarrow table of text columns (empty fields are nulls)."""
    path = SMALL / f"{name}.csv"
    header = path.read_text().splitlines()[0].split(",")
    types = {c: pa.string() for c in header}
    return pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(column_types=types, strings_can_be_null=True))


def columns(table: Any, large: bool = False) -> list[tuple[Any, ...]]:
    out = []
    for name, col in zip(table.column_names, table.columns):
        arr = col.combine_chunks().cast(pa.large_string() if large else pa.string())
        validity, offsets, data = arr.buffers()
        out.append((name, offsets.to_pybytes(), None if data is None else data.to_pybytes(),
                    None if validity is None else validity.to_pybytes(), arr.offset, len(arr), large))
    return out


def by_csv() -> dict[str, list[Any]]:
    files = [(SMALL / f"{t}.csv").read_bytes() for t in TABLES]
    return _famplan.shard_partials(*files, RATES, "grid", **KW).to_dict()


@pytest.mark.parametrize("large", [False, True])
def test_columns_give_the_partials_of_the_csv_text(large: bool) -> None:
    tables = [columns(read(t), large) for t in TABLES]
    got = _famplan.shard_partials_columns(*tables, RATES, "grid", **KW).to_dict()
    assert got == by_csv()
    # The small snapshot's persons have nulls (no method, no name): case files are counted.
    assert sum(got["denominator"][i] for i, r in enumerate(got["rate"]) if r == "case_file_rate") > 0


def test_sliced_arrays_and_a_bad_value_located_as_in_the_file() -> None:
    # A person table with one extra first row, then sliced off: each array has offset 1.
    persons = read("persons")
    extra = pa.concat_tables([persons.slice(0, 1), persons]).combine_chunks().slice(1)
    assert extra.column(0).chunk(0).offset == 1
    tables = [columns(read(t)) for t in TABLES]
    tables[2] = columns(extra)
    assert _famplan.shard_partials_columns(*tables, RATES, "grid", **KW).to_dict() == by_csv()
    # Person 5's sex spoiled: row 5 of the table, line 6 as in persons.csv (header = line 1).
    sex = persons.column("sex").to_pylist()
    sex[4] = "W"
    bad = persons.set_column(persons.column_names.index("sex"), "sex", pa.array(sex, pa.string()))
    tables[2] = columns(bad)
    with pytest.raises(famplan.InvalidInputError, match=r"community 9: persons:6: sex: `W` is not one of"):
        _famplan.shard_partials_columns(*tables, RATES, "grid", **KW, name="community 9: ")
    # Buffers that are not an Arrow text column are refused, not read out of bounds.
    name, offsets, data, validity, offset, length, large = tables[3][0]
    tables[2] = columns(persons)
    tables[3][0] = (name, offsets, data, validity, offset, length + 5, large)
    with pytest.raises(famplan.InvalidInputError, match="visits: visit_id: not an Arrow text column"):
        _famplan.shard_partials_columns(*tables, RATES, "grid", **KW)
