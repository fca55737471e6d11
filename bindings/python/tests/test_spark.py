"""famplan.spark: a generated city of several communities computed on Spark in local mode
(two workers) gives the single-machine table, cell for cell. Skipped only when Java is
absent (the reason is printed: test.sh runs pytest with -rs)."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

import famplan
from conftest import ROOT, TESTDATA, d

ON = d("2026-06-30")
PERIOD = "2026-Q2"
AS_OF = d("2026-07-16")
IUD = famplan.CustomRate.from_toml((TESTDATA / "rates" / "iud_followup.toml").read_text())
# Every catalogue rate, and the SIX_RATES IUD follow-up over June (its own period).
RATES: list[Any] = [r["code"] for r in famplan.catalogue().rows()] + [(IUD, "2026-06")]


def synth() -> pathlib.Path:
    exe = ROOT / "target" / "debug" / "famplan-synth"
    if not exe.exists():
        subprocess.run(["cargo", "build", "-q", "-p", "famplan-synth"], cwd=ROOT, check=True)
    return exe


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("city")
    # Four communities of 9 zones × 2 grids, 1,000 persons each.
    args = ["--persons", "4000", "--seed", "5", "--communities", "4", "--out", str(out)]
    subprocess.run([str(synth()), *args], check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None:
        pytest.skip("Java is absent: famplan.spark's Spark test is skipped (install a JDK 17 to run it)")
    from pyspark.sql import SparkSession  # test.sh installs it: its absence is a failure

    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers must import famplan and pyarrow
    session = (
        SparkSession.builder.master("local[2]")
        .appName("famplan-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def tables(spark: Any, snapshot: pathlib.Path) -> list[Any]:
    return [spark.read.csv(str(snapshot / f"{t}.csv"), header=True) for t in ("areas", "households", "persons", "visits")]


KW: dict[str, Any] = dict(on=ON, period=PERIOD, as_of=AS_OF)
TARGETS = famplan.Target.from_csv(
    "rate,level,unit,start,end,cmp,value,weight\ncpr,zone,101,2026-04-01,2026-06-30,>=,80,1\n"
)


def test_spark_equals_one_machine_cell_for_cell(spark: Any, city: pathlib.Path) -> None:
    from famplan import spark as fs

    one = famplan.Registry.from_snapshot(city)
    # The area tree, collected once for the reductions on the driver.
    areas = spark.read.csv(str(city / "areas.csv"), header=True).toArrow().to_pydict()
    assert len(set(areas["community_id"])) == 4
    # One Spark job: every community's partial rows, computed on the two workers (one famplan
    # call per Spark partition: two partitions, so two communities in each call).
    parts = fs.partials(*tables(spark, city), RATES, "grid", **KW).toArrow()
    mine = one.partials(RATES, "grid", **KW).to_dict()
    assert sorted(parts.column("unit").to_pylist()) == sorted(mine["unit"])
    # By default only the visits the rates read are routed; routing every visit gives the
    # same partial rows.
    all_visits = len((city / "visits.csv").read_text().splitlines()) - 1
    assert 0 < fs.read_visits(tables(spark, city)[3], RATES, **KW).count() < all_visits
    every = fs.partials(*tables(spark, city), RATES, "grid", **KW, keep_visits="all").toArrow()
    key = ["rate", "unit", "numerator", "denominator", "start", "end"]
    assert sorted(zip(*[every.column(c).to_pylist() for c in key])) == sorted(zip(*[parts.column(c).to_pylist() for c in key]))
    for by in ["community", "zone", "grid"]:
        got = fs.reduce(parts, areas, RATES, by, **KW, targets=TARGETS).to_dict()
        # The same reduction on one machine: every column equal, targets included.
        want = famplan.reduce_partials(mine, one, RATES, by, **KW, targets=TARGETS).to_dict()
        assert got == want
        # And the counts are those of the plain single-machine rate table.
        plain = one.rates([r for r in RATES if isinstance(r, str)], by, **KW).rows()
        rows = {(c, k): i for i, (c, k) in enumerate(zip(got["code"], got["key"]))}
        for r in plain:
            i = rows[(r["code"], r["key"])]
            for col in ["numerator", "denominator", "start", "end", "value", "rate"]:
                assert got[col][i] == r[col], (r["code"], r["key"], col)
        units = len(plain) // (len(RATES) - 1)
        assert len(got["code"]) == len(RATES) * (units + 1)  # every unit of every rate, and a total
        if by == "community":
            assert got["key"][:5] == ["1", "2", "3", "4", "total"]
            # The data is not empty: case files counted in every community.
            assert all(n > 100 for n in got["denominator"][:5])
        if by == "zone":
            i = rows[("cpr", "101")]
            assert (got["target"][i], got["default_target"][i]) == (80.0, False)


def test_one_call_and_a_bad_row(spark: Any) -> None:
    from pyspark.sql import functions as F

    from famplan import spark as fs

    small = TESTDATA / "snapshot" / "small"
    areas, households, persons, visits = tables(spark, small)
    got = fs.rates(areas, households, persons, visits, ["case_file_rate", "cpr"], "grid", **KW, targets=TARGETS)
    one = famplan.Registry.from_snapshot(small)
    want = famplan.reduce_partials(
        one.partials(["case_file_rate", "cpr"], "grid", **KW).to_dict(), one, ["case_file_rate", "cpr"], "grid", **KW, targets=TARGETS
    )
    assert got.to_dict() == want.to_dict()
    assert got.column("rate")[:3] == ["66.67%", "100.00%", "-"]
    # One famplan call per community (groupBy.applyInArrow): the same table.
    per_community = fs.rates(areas, households, persons, visits, ["case_file_rate", "cpr"], "grid", **KW, per="community")
    assert per_community.to_dict() == want.to_dict()
    bad = persons.withColumn("sex", F.when(F.col("person_id") == "3", F.lit("X")).otherwise(F.col("sex")))
    with pytest.raises(Exception, match=r"community 1: persons:\d+: sex: `X` is not one of"):
        fs.rates(areas, households, bad, visits, ["cpr"], on=ON)
    # A visit of an unknown person: refused on one machine. These rates read no visit, so by default
    # Spark does not route it and does not see it; with every visit routed, it is reported.
    spark = areas.sparkSession
    stray = visits.unionByName(spark.createDataFrame([("99", "404", "2026-05-02", "marriage_home")], visits.columns))
    rates = ["case_file_rate", "cpr"]
    assert fs.rates(areas, households, persons, stray, rates, "grid", **KW, targets=TARGETS).to_dict() == want.to_dict()
    with pytest.raises(Exception, match=r"unknown person `404`"):
        fs.rates(areas, households, persons, stray, rates, "grid", **KW, keep_visits="all")
    # A visit of a kind read with a date famplan cannot read is routed, and reported.
    undated = visits.unionByName(spark.createDataFrame([("98", "1", "2026/05/02", "post_surgery")], visits.columns))
    with pytest.raises(Exception, match=r"visits:\d+: date"):
        fs.rates(areas, households, persons, undated, ["followup_rate"], "grid", **KW)


def test_visits_read_states_the_visits_a_rate_reads() -> None:
    # cpr reads no visit; the floating check over June reads June's monthly checks.
    got = famplan.visits_read(["cpr", ("floating_check_rate", "2026-06")], on=ON, as_of=AS_OF)
    assert got == [("floating_monthly_check", d("2026-06-01"), d("2026-06-30"))]
    assert famplan.visits_read("case_file_rate", on=ON) == []


def test_import_famplan_needs_no_pyspark() -> None:
    code = (
        "import sys\n"
        "sys.modules['pyspark'] = None\n"
        "import famplan, famplan.spark\n"
        "try:\n"
        "    famplan.spark.shard_rows(None, None, None, None)\n"
        "except ImportError:\n"
        "    print('needs pyspark')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout == "needs pyspark\n"
