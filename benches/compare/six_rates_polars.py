#!/usr/bin/env python3
"""The six rates of SIX_RATES.md, written by hand in polars: the baseline that
`examples/six_rates.rs` is compared with (same command-line contract, same result file).

    python benches/compare/six_rates_polars.py --data DIR --format csv --out RESULT.csv
"""
import argparse
import datetime as dt
import json
import time

import polars as pl

HEADER = [
    "grid_id", "wra", "married_wra", "case_file_n", "case_file_rate", "cpr_n", "cpr", "floating_n",
    "floating_checked_n", "floating_check_rate", "iud_due_n", "iud_done_n", "iud_followup_rate",
]
COUNTS = ["wra", "married_wra", "case_file_n", "cpr_n", "floating_n", "floating_checked_n", "iud_due_n", "iud_done_n"]


def period(text):
    a, b = text.split(":")
    return dt.date.fromisoformat(a), dt.date.fromisoformat(b)


def load(data, fmt):
    if fmt == "parquet":
        return tuple(pl.read_parquet(f"{data}/{t}.parquet") for t in ("areas", "persons", "visits"))
    dates = {"birth_date": pl.Date, "method_start": pl.Date, "last_birth_date": pl.Date}
    areas = pl.read_csv(f"{data}/areas.csv", schema_overrides={"grid_id": pl.Int64})
    persons = pl.read_csv(
        f"{data}/persons.csv",
        columns=["person_id", "grid_id", "sex", "birth_date", "marital_status", "residency", "case_file",
                 "contraceptive_method", "method_start"],
        schema_overrides={**dates, "person_id": pl.Int64, "grid_id": pl.Int64, "case_file": pl.Int64,
                          "contraceptive_method": pl.String},
    )
    visits = pl.read_csv(f"{data}/visits.csv", columns=["person_id", "date", "kind"],
                         schema_overrides={"person_id": pl.Int64, "date": pl.Date})
    return areas, persons, visits


def compute(areas, persons, visits, d, f0, f1, i0, i1):
    b = pl.col("birth_date")
    later = (b.dt.month() > d.month) | ((b.dt.month() == d.month) & (b.dt.day() > d.day))
    age = pl.lit(d.year) - b.dt.year().cast(pl.Int32) - later.cast(pl.Int32)
    checked = (
        visits.filter((pl.col("kind") == "floating_monthly_check") & pl.col("date").is_between(f0, f1))
        .select("person_id").unique().with_columns(pl.lit(True).alias("checked"))
    )
    p = persons.with_columns(
        wra=(pl.col("sex") == "F") & age.is_between(15, 49),
    ).with_columns(
        married_wra=pl.col("wra") & (pl.col("marital_status") == "married"),
        case_file_n=pl.col("wra") & (pl.col("case_file") == 1),
        floating_n=pl.col("residency") == "floating",
    ).with_columns(
        cpr_n=pl.col("married_wra") & pl.col("contraceptive_method").is_not_null()
        & (pl.col("contraceptive_method") != "none"),
    ).join(checked, on="person_id", how="left").with_columns(
        floating_checked_n=pl.col("floating_n") & pl.col("checked").fill_null(False),
    )
    per_grid = p.group_by("grid_id").agg(
        [pl.col(c).cast(pl.Int64).sum() for c in ["wra", "married_wra", "case_file_n", "cpr_n", "floating_n",
                                                   "floating_checked_n"]]
    )
    iud = persons.filter(
        (pl.col("sex") == "F") & (pl.col("contraceptive_method") == "iud") & pl.col("method_start").is_not_null()
    ).select("person_id", "grid_id", "method_start")
    due = pl.concat([
        iud.with_columns(due=pl.col("method_start").dt.offset_by(f"{k}mo"), k=pl.lit(k)) for k in (1, 3, 6, 12)
    ]).filter(pl.col("due").is_between(i0, i1))
    post = visits.filter(pl.col("kind") == "post_surgery").select("person_id", pl.col("date").alias("vdate"))
    done = (
        due.join(post, on="person_id", how="inner")
        .filter((pl.col("vdate") - pl.col("due")).dt.total_days().abs() <= 15)
        .select("person_id", "k", "grid_id").unique()
        .group_by("grid_id").agg(pl.len().alias("iud_done_n"))
    )
    due_n = due.group_by("grid_id").agg(pl.len().alias("iud_due_n"))
    out = (
        areas.select("grid_id").unique()
        .join(per_grid, on="grid_id", how="left")
        .join(due_n, on="grid_id", how="left")
        .join(done, on="grid_id", how="left")
        .with_columns([pl.col(c).fill_null(0).cast(pl.Int64) for c in COUNTS])
        .sort("grid_id")
    )
    return out


def rate(n, d):
    return "" if d == 0 else repr(n / d)


def write(out, path):
    total = {c: int(out[c].sum()) for c in COUNTS}
    rows = [dict(zip(out.columns, r)) for r in out.iter_rows()] + [{"grid_id": "ALL", **total}]
    with open(path, "w", encoding="utf-8") as f:
        f.write(",".join(HEADER) + "\n")
        for r in rows:
            f.write(",".join(str(x) for x in [
                r["grid_id"], r["wra"], r["married_wra"], r["case_file_n"], rate(r["case_file_n"], r["wra"]),
                r["cpr_n"], rate(r["cpr_n"], r["married_wra"]), r["floating_n"], r["floating_checked_n"],
                rate(r["floating_checked_n"], r["floating_n"]), r["iud_due_n"], r["iud_done_n"],
                rate(r["iud_done_n"], r["iud_due_n"]),
            ]) + "\n")


def main():
    t0 = time.perf_counter()
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True)
    ap.add_argument("--format", default="csv", choices=["csv", "parquet"])
    ap.add_argument("--out", required=True)
    ap.add_argument("--ref-date", default="2026-06-30")
    ap.add_argument("--float-period", default="2026-06-01:2026-06-30")
    ap.add_argument("--iud-period", default="2026-04-01:2026-06-30")
    a = ap.parse_args()
    d = dt.date.fromisoformat(a.ref_date)
    (f0, f1), (i0, i1) = period(a.float_period), period(a.iud_period)
    areas, persons, visits = load(a.data, a.format)
    t1 = time.perf_counter()
    out = compute(areas, persons, visits, d, f0, f1, i0, i1)
    t2 = time.perf_counter()
    write(out, a.out)
    t3 = time.perf_counter()
    print(json.dumps({"impl": "polars", "format": a.format, "load_s": round(t1 - t0, 4), "compute_s": round(t2 - t1, 4),
                      "write_s": round(t3 - t2, 4), "total_s": round(t3 - t0, 4)}))


if __name__ == "__main__":
    main()
