"""The six rates of SIX_RATES.md over a city of many communities, three ways, medians of N runs:

- famplan-on-Spark: ``famplan.spark.rates`` (each community computed by famplan on a Spark
  worker, the partial rows reduced on the driver); ``famplan_spark_partition`` is the same
  with ``per="partition"`` (one famplan call per Spark partition); both route only the visits
  the rates read (the default); ``famplan_spark_all_visits`` is ``famplan_spark_partition``
  routing every visit (``keep_visits="all"``, as before the default filter);
- pure pyspark: the polars version of benches/compare/six_rates_polars.py ported to pyspark
  DataFrames (``six_rates_pyspark`` below), its result checked equal to famplan's;
- single process: ``famplan.Registry.from_snapshot`` and the same rates, no Spark.

    python3 -m venv .venv-bench
    .venv-bench/bin/pip install -r bindings/python/requirements-dev.txt
    .venv-bench/bin/python bindings/python/bench/spark_bench.py [--persons 10000000] [--runs 3]

It installs the module in release first (``maturin develop --release`` into the running
venv: keep it apart from the test venv, which has a debug build), generates the city with
famplan-synth (seed 1, one community per 10,000 persons) into target/bench/ when missing,
starts Spark in local mode (``local[2]``), and times each path from reading the CSV files to
the final table in the driver's memory, alternating the paths run after run. Spark's start-up
is timed apart.
"""

from __future__ import annotations

import argparse
import datetime
import os
import pathlib
import statistics
import subprocess
import sys
import time
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[3]

D = datetime.date(2026, 6, 30)
FLOAT = (datetime.date(2026, 6, 1), datetime.date(2026, 6, 30))
IUD_P = (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
# SIX_RATES counts every follow-up due in the period with the visits up to the extraction:
# as of the day after the last window closes (see examples/six_rates.rs).
AS_OF = IUD_P[1] + datetime.timedelta(days=16)
COUNTS = ["wra", "married_wra", "case_file_n", "cpr_n", "floating_n", "floating_checked_n", "iud_due_n", "iud_done_n"]

SCHEMAS = {
    "areas": "grid_id long, zone_id long, community_id long",
    "households": "household_id long, grid_id long, kind string",
    "persons": "person_id long, household_id long, grid_id long, sex string, birth_date date, "
    "marital_status string, residency string, case_file int, contraceptive_method string, method_start date, "
    "last_birth_date date",
    "visits": "visit_id long, person_id long, date date, kind string",
}


def read(spark: Any, data: pathlib.Path) -> dict[str, Any]:
    return {t: spark.read.csv(str(data / f"{t}.csv"), header=True, schema=s) for t, s in SCHEMAS.items()}


def read_text(spark: Any, data: pathlib.Path) -> dict[str, Any]:
    """The tables as text columns: what famplan reads (it parses dates and codes itself)."""
    out = {}
    for t, schema in SCHEMAS.items():
        text = ", ".join(f"{c.split()[0]} string" for c in schema.split(", "))
        out[t] = spark.read.csv(str(data / f"{t}.csv"), header=True, schema=text)
    return out


def per_partition(fs: Any, spark: Any, data: pathlib.Path, js: list[Any], runs: int = 7) -> None:
    """The worker's cost of one community: its rows (Arrow) to partial rows, in this process."""
    from pyspark.sql import functions as F

    t = read_text(spark, data)
    rows = fs.shard_rows(t["areas"], t["households"], t["persons"], t["visits"])
    one = rows.filter(F.col(fs.COMMUNITY) == "1").toArrow()
    job = fs._shard_job(js, "grid", D, None, AS_OF, "as_recorded", fs._person_columns(t["persons"]))
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        job(one)
        times.append(time.perf_counter() - t0)
    persons = sum(1 for x in one.column("__table").to_pylist() if x == "p")
    print(
        f"per community (community 1: {persons} persons, {one.num_rows} rows, {one.nbytes / 1e6:.1f} MB as Arrow): "
        f"median {statistics.median(times) * 1000:.0f} ms over {runs} runs",
        flush=True,
    )


def stages(fs: Any, spark: Any, data: pathlib.Path, js: list[Any]) -> None:
    """Where the famplan-on-Spark path spends its time: each stage run to its end alone
    (Spark's ``noop`` sink), the later ones including the earlier."""
    from pyspark.sql import functions as F

    def noop(df: Any) -> None:
        df.write.format("noop").mode("overwrite").save()

    def count(batches: Any) -> Any:
        import pyarrow as pa

        yield pa.record_batch({"n": pa.array([sum(b.num_rows for b in batches)], pa.int64())})

    t = read_text(spark, data)
    every = fs.shard_rows(t["areas"], t["households"], t["persons"], t["visits"])
    read = fs.read_visits(t["visits"], js, on=D, as_of=AS_OF, basis="as_recorded")
    rows = fs.shard_rows(t["areas"], t["households"], t["persons"], read)
    steps = {
        "read the four CSV tables": lambda: [noop(df) for df in t.values()],
        "shard rows without visits, repartitioned": lambda: noop(rows.filter(F.col("__table") != "v").repartition(fs.COMMUNITY)),
        "shard rows, repartitioned (every visit joined to its person)": lambda: noop(every.repartition(fs.COMMUNITY)),
        "shard rows, repartitioned (only the visits read, joined to their person)": lambda: noop(rows.repartition(fs.COMMUNITY)),
        "... handed to Python as Arrow (rows counted)": lambda: rows.repartition(fs.COMMUNITY).mapInArrow(count, "n long").collect(),
        "... and famplan on each partition (partials)": lambda: fs.partials(
            t["areas"], t["households"], t["persons"], t["visits"], js, "grid", on=D, as_of=AS_OF, basis="as_recorded"
        ).collect(),
    }
    for label, step in steps.items():
        t0 = time.perf_counter()
        step()
        print(f"stage: {label}: {time.perf_counter() - t0:.1f} s (load {os.getloadavg()[0]:.1f})", flush=True)


def six_rates_pyspark(t: dict[str, Any]) -> dict[int, list[int]]:
    """benches/compare/six_rates_polars.py, line by line in pyspark: counts per grid."""
    from pyspark.sql import functions as F

    persons, visits, areas = t["persons"], t["visits"], t["areas"]
    b = F.col("birth_date")
    later = (F.month(b) > D.month) | ((F.month(b) == D.month) & (F.dayofmonth(b) > D.day))
    age = F.lit(D.year) - F.year(b) - later.cast("int")
    checked = (
        visits.filter((F.col("kind") == "floating_monthly_check") & F.col("date").between(*FLOAT))
        .select("person_id").distinct().withColumn("checked", F.lit(True))
    )
    wra = (F.col("sex") == "F") & age.between(15, 49)
    married = wra & (F.col("marital_status") == "married")
    p = persons.select(
        "person_id", "grid_id",
        wra.alias("wra"),
        married.alias("married_wra"),
        (wra & (F.col("case_file") == 1)).alias("case_file_n"),
        (married & F.col("contraceptive_method").isNotNull() & (F.col("contraceptive_method") != "none")).alias("cpr_n"),
        (F.col("residency") == "floating").alias("floating_n"),
    ).join(checked, "person_id", "left").withColumn(
        "floating_checked_n", F.col("floating_n") & F.coalesce(F.col("checked"), F.lit(False))
    )
    flags = ["wra", "married_wra", "case_file_n", "cpr_n", "floating_n", "floating_checked_n"]
    per_grid = p.groupBy("grid_id").agg(*[F.sum(F.col(c).cast("long")).alias(c) for c in flags])
    iud = persons.filter(
        (F.col("sex") == "F") & (F.col("contraceptive_method") == "iud") & F.col("method_start").isNotNull()
    ).select("person_id", "grid_id", "method_start")
    due = None
    for k in (1, 3, 6, 12):
        one = iud.withColumn("due", F.add_months("method_start", k)).withColumn("k", F.lit(k))
        due = one if due is None else due.unionByName(one)
    due = due.filter(F.col("due").between(*IUD_P))
    post = visits.filter(F.col("kind") == "post_surgery").select("person_id", F.col("date").alias("vdate"))
    done = (
        due.join(post, "person_id")
        .filter(F.abs(F.datediff("vdate", "due")) <= 15)
        .select("person_id", "k", "grid_id").distinct()
        .groupBy("grid_id").agg(F.count("*").alias("iud_done_n"))
    )
    due_n = due.groupBy("grid_id").agg(F.count("*").alias("iud_due_n"))
    out = (
        areas.select("grid_id").distinct()
        .join(per_grid, "grid_id", "left").join(due_n, "grid_id", "left").join(done, "grid_id", "left")
        .fillna(0, subset=COUNTS)
    )
    return {r["grid_id"]: [int(r[c]) for c in COUNTS] for r in out.collect()}


def jobs(famplan: Any) -> list[Any]:
    iud = famplan.CustomRate.from_toml((ROOT / "testdata" / "rates" / "iud_followup.toml").read_text())
    return [("case_file_rate", FLOAT), ("cpr", FLOAT), ("floating_check_rate", FLOAT), (iud, IUD_P)]


def counts_of(table: dict[str, list[Any]]) -> dict[int, list[int]]:
    """famplan's final table (code, key, numerator, denominator) as SIX_RATES counts per grid."""
    at = {"case_file_rate": (2, 0), "cpr": (3, 1), "floating_check_rate": (5, 4), "iud_followup_rate": (7, 6)}
    out: dict[int, list[int]] = {}
    for code, key, total, n, den in zip(table["code"], table["key"], table["total"], table["numerator"], table["denominator"]):
        if total:
            continue
        row = out.setdefault(int(key), [0] * 8)
        i, j = at[code]
        row[i], row[j] = n, den
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--persons", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--paths", default="famplan_spark,famplan_spark_partition,pyspark,single")
    ap.add_argument("--no-build", action="store_true", help="use the famplan already installed")
    ap.add_argument("--stages", action="store_true", help="time the stages of the famplan path, then stop")
    ap.add_argument("--no-per-community", action="store_true", help="skip timing one community in the driver")
    a = ap.parse_args()
    if not a.no_build:
        cmd = [sys.executable, "-m", "maturin", "develop", "--release", "--locked", "-q"]
        print("$", " ".join(cmd), flush=True)
        subprocess.run(cmd, cwd=ROOT / "bindings" / "python", check=True, env=dict(os.environ, VIRTUAL_ENV=sys.prefix))
    import famplan
    from famplan import spark as fs

    data = ROOT / "target" / "bench" / f"city-{a.persons}"
    if not (data / "persons.csv").exists():
        cmd = ["cargo", "run", "-q", "--release", "-p", "famplan-synth", "--", "--persons", str(a.persons),
               "--seed", "1", "--out", str(data)]
        print("$", " ".join(cmd), flush=True)
        subprocess.run(cmd, cwd=ROOT, check=True)

    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    t0 = time.perf_counter()
    spark = (
        SparkSession.builder.master("local[2]").appName("famplan-bench")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.memory", "6g")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.range(1).count()
    print(f"spark start-up: {time.perf_counter() - t0:.1f} s", flush=True)
    if a.stages:
        stages(fs, spark, data, jobs(famplan))
        spark.stop()
        return
    if not a.no_per_community and ("famplan_spark" in a.paths.split(",") or "famplan_spark_partition" in a.paths.split(",")):
        per_partition(fs, spark, data, jobs(famplan))

    js = jobs(famplan)
    kw: dict[str, Any] = dict(on=D, as_of=AS_OF, basis="as_recorded")

    def famplan_spark() -> dict[int, list[int]]:
        t = read_text(spark, data)
        table = fs.rates(t["areas"], t["households"], t["persons"], t["visits"], js, "grid", **kw)
        return counts_of(table.to_dict())

    def famplan_spark_partition() -> dict[int, list[int]]:
        t = read_text(spark, data)
        table = fs.rates(t["areas"], t["households"], t["persons"], t["visits"], js, "grid", **kw, per="partition")
        return counts_of(table.to_dict())

    def famplan_spark_all_visits() -> dict[int, list[int]]:
        t = read_text(spark, data)
        table = fs.rates(t["areas"], t["households"], t["persons"], t["visits"], js, "grid", **kw, keep_visits="all")
        return counts_of(table.to_dict())

    def pyspark() -> dict[int, list[int]]:
        return six_rates_pyspark(read(spark, data))

    def single() -> dict[int, list[int]]:
        reg = famplan.Registry.from_snapshot(data)
        parts = reg.partials(js, "grid", **kw)
        return counts_of(famplan.reduce_partials(parts.to_dict(), reg, js, "grid", **kw).to_dict())

    paths = {
        "famplan_spark": famplan_spark,
        "famplan_spark_partition": famplan_spark_partition,
        "famplan_spark_all_visits": famplan_spark_all_visits,
        "pyspark": pyspark,
        "single": single,
    }
    chosen = a.paths.split(",")
    times: dict[str, list[float]] = {p: [] for p in chosen}
    results: dict[str, dict[int, list[int]]] = {}
    for run in range(a.runs):
        for name in chosen:
            t = time.perf_counter()
            results[name] = paths[name]()
            s = time.perf_counter() - t
            times[name].append(s)
            load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
            print(f"run {run + 1} {name}: {s:.1f} s (load average {load})", flush=True)
    first = results[chosen[0]]
    for name, r in results.items():
        assert r == first, f"{name} differs from {chosen[0]}"
    total = [sum(v[i] for v in first.values()) for i in range(8)]
    print(f"all paths agree on {len(first)} grids; city totals {dict(zip(COUNTS, total))}")
    for name, v in times.items():
        print(f"{name}: median {statistics.median(v):.1f} s over {len(v)} runs ({', '.join(f'{x:.1f}' for x in v)})")
    spark.stop()


if __name__ == "__main__":
    main()
