"""Frames: columns to Python lists, to polars, pandas and pyarrow through the Arrow PyCapsule
interface; pandas and polars stay optional."""

from __future__ import annotations

import datetime
import subprocess
import sys

import pytest

import famplan
from conftest import d


@pytest.fixture
def obs(example: famplan.Registry) -> famplan.Frame:
    return example.obligations("2024", as_of=d("2024-12-31"))


def test_columns_and_rows(obs: famplan.Frame) -> None:
    names = obs.column_names
    assert names[:3] == ["rule", "person", "household"] and "due" in names
    as_dict = obs.to_dict()
    assert list(as_dict) == names and all(len(v) == len(obs) for v in as_dict.values())
    rows = obs.rows()
    assert rows[0] == {n: as_dict[n][0] for n in names}
    assert isinstance(rows[0]["due"], datetime.date)
    assert repr(obs).startswith(f"Frame({len(obs)} rows: rule, person, ")
    with pytest.raises(famplan.InvalidInputError, match="^name: no column `nope` \\(columns: rule, person"):
        obs.column("nope")


def test_to_polars_keeps_types_and_nulls(obs: famplan.Frame) -> None:
    pl = pytest.importorskip("polars")
    df = obs.to_polars()
    assert df.shape == (len(obs), len(obs.column_names))
    assert df.schema["due"] == pl.Date and df.schema["rule"] == pl.String
    assert df["due"].to_list() == obs.column("due")
    assert df["fulfilled_by"].null_count() == obs.column("fulfilled_by").count(None)
    # The PyCapsule interface directly.
    assert pl.DataFrame(obs).equals(df)


def test_to_pandas_and_arrow(example: famplan.Registry) -> None:
    pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    t = example.rates(["case_file_rate", "cpr"], by="grid", on=d("2026-06-30"))
    df = t.to_pandas()
    assert list(df.columns) == t.column_names
    assert df["numerator"].tolist() == [1, 0, 1, 0]
    assert df["value"].isna().tolist() == [False, False, False, True]
    table = t.to_arrow()
    assert table.schema.field("numerator").type == pa.uint64()
    assert table.column("rate").to_pylist() == t.column("rate")
    assert pa.table(t).equals(table)
    assert pa.schema(t) == table.schema  # __arrow_c_schema__


def test_import_famplan_needs_no_dataframe_library() -> None:
    # A fresh interpreter where polars, pandas and pyarrow cannot be imported.
    code = (
        "import sys\n"
        "for m in ['polars', 'pandas', 'pyarrow', 'numpy']: sys.modules[m] = None\n"
        "import famplan, datetime\n"
        "t = famplan.Registry.example().rates('cpr', on=datetime.date(2026, 6, 30))\n"
        "assert t.to_dict()['numerator'] == [1, 0]\n"
        "try:\n"
        "    t.to_polars()\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "Frame.to_polars() needs polars: pip install polars"


def test_to_pandas_without_pyarrow_builds_from_lists() -> None:
    pytest.importorskip("pandas")
    code = (
        "import sys\n"
        "sys.modules['pyarrow'] = None\n"
        "import famplan, datetime\n"
        "df = famplan.Registry.example().rates('cpr', on=datetime.date(2026, 6, 30)).to_pandas()\n"
        "print(df['numerator'].tolist(), df['rate'].tolist())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[1, 0] ['100.00%', '-']"
