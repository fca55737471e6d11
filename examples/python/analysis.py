"""A district analyst's notebook, as a script: load a community's ledgers, rates by grid,
assessment against the default targets, a bar chart.

    python examples/python/analysis.py [--data DIR] [--start 2026-04-01] [--end 2026-06-30] [--out rates.png]

`--data` is a snapshot directory (areas.csv, households.csv, persons.csv, visits.csv); the
default is the repository's small one. Stocks are counted on the period's last day. polars
and matplotlib are used when installed.
"""

from __future__ import annotations

import argparse
import datetime
import pathlib
import sys

import famplan

ROOT = pathlib.Path(__file__).resolve().parents[2]
RATES = ["case_file_rate", "cpr", "floating_check_rate", "reconciliation_rate"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=pathlib.Path, default=ROOT / "testdata" / "snapshot" / "small")
    ap.add_argument("--start", type=datetime.date.fromisoformat, default=datetime.date(2026, 4, 1))
    ap.add_argument("--end", type=datetime.date.fromisoformat, default=datetime.date(2026, 6, 30))
    ap.add_argument("--out", type=pathlib.Path, default=pathlib.Path("rates_by_grid.png"))
    args = ap.parse_args(argv)

    # 1. Load: every bad row would be reported as file:line: column: reason.
    period = (args.start, args.end)
    reg = famplan.Registry.from_snapshot(args.data, as_of=args.end)
    print(f"{len(reg)} persons, {reg.household_count} households; import: {reg.import_summary}")

    # 2. Rates by grid, all in one pass over the registry.
    rates = reg.rates(RATES, by="grid", period=period)
    try:
        import polars  # noqa: F401  (only to know it is there)

        wide = rates.to_polars().pivot(on="code", index="key", values="value").sort("key")
        print(wide)
    except ImportError:
        for row in rates.rows():
            print(row["code"], row["key"], row["rate"])

    # 3. Targets: each rate's default target (DOMAIN §7) for every grid, then the assessment.
    catalogue = {r["code"]: r for r in famplan.catalogue().rows()}
    lines = ["rate,level,unit,start,end,cmp,value,weight"]
    grids = reg.population_by_grid().column("grid")
    for code in RATES:
        target = catalogue[code]["default_target"]
        if target is None:
            continue
        for g in grids:
            lines.append(f"{code},grid,{g},{args.start},{args.end},>=,{target},1")
    assessment = reg.assess(famplan.Target.from_csv("\n".join(lines) + "\n"))
    below = [r for r in assessment.rows() if not r["met"]]
    print(f"{len(assessment)} targets, {len(below)} not met:")
    for r in below:
        print(f"  {r['unit']:>6} {catalogue[r['rate']]['zh']:<10} {r['rate_shown']:>8}  target {r['target']:.0f}%")

    # 4. Who is behind the worst cell, and why.
    worst = min((r for r in rates.rows() if r["value"] is not None), key=lambda r: r["value"], default=None)
    if worst is not None:
        todo = [r for r in reg.drill_down(worst["code"], worst["key"], period=period).rows() if not r["counted"]]
        print(f"{worst['code']} in grid {worst['key']}: {len(todo)} to do, e.g. {todo[:3]}")

    # 5. A bar chart of the case file rate by grid against its target.
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no chart")
        return 0
    cf = [r for r in rates.rows() if r["code"] == "case_file_rate"]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.bar([r["key"] for r in cf], [r["value"] or 0.0 for r in cf], color="#4c72b0")
    ax.axhline(catalogue["case_file_rate"]["default_target"], color="#c44e52", linestyle="--", label="target")
    ax.set_xlabel("grid")
    ax.set_ylabel("case file rate (%)")
    ax.set_ylim(0, 105)
    ax.legend()
    fig.tight_layout()
    fig.savefig(args.out)
    print(f"chart: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
