"""Workbooks in and reports out: the snapshot workbook made with openpyxl
(testdata/xlsx/ledger_zh.xlsx), the report workbook and FHIR R4."""

from __future__ import annotations

import pathlib
import zipfile

import famplan
from conftest import SMALL, TESTDATA, d

LEDGER = TESTDATA / "xlsx" / "ledger_zh.xlsx"


def test_a_chinese_ledger_workbook_reads_like_the_csv_snapshot() -> None:
    book = famplan.Registry.from_snapshot(LEDGER)
    csv = famplan.Registry.from_snapshot(SMALL)
    assert len(book) == len(csv) == 7
    codes = ["case_file_rate", "cpr", "floating_check_rate"]
    on = d("2026-06-30")
    assert book.rates(codes, on=on).to_dict() == csv.rates(codes, on=on).to_dict()
    summary = book.import_summary
    assert summary is not None and summary["warnings"] == ["人员: column `备注` is not used and was ignored"]


def test_a_store_imports_a_workbook(tmp_path: pathlib.Path) -> None:
    store = famplan.Store(tmp_path / "a.db")
    summary = store.import_snapshot(LEDGER)
    assert (summary["persons"], summary["visits"]) == (7, 5)


def test_report_xlsx_writes_a_sheet_per_rate_and_list(tmp_path: pathlib.Path) -> None:
    reg = famplan.Registry.from_snapshot(SMALL)
    out = tmp_path / "report.xlsx"
    reg.report_xlsx(out, ["case_file_rate", "cpr"], on=d("2026-06-30"))
    with zipfile.ZipFile(out) as z:
        workbook = z.read("xl/workbook.xml").decode()
    for name in ["汇总 summary", "case_file_rate", "cpr", "case_file_rate 名单", "cpr 名单"]:
        assert f'name="{name}"' in workbook


def test_report_fhir_counts_are_the_rates() -> None:
    reg = famplan.Registry.from_snapshot(SMALL)
    on = d("2026-06-30")
    bundle = reg.report_fhir("case_file_rate", on=on, subject_list=True)
    assert (bundle["resourceType"], bundle["type"]) == ("Bundle", "collection")
    reports = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "MeasureReport"]
    rows = {r["key"]: r for r in reg.rates("case_file_rate", on=on).rows()}
    # One per grid (1011, 1012, 1021) and the total.
    assert len(reports) == 4
    for mr in reports[:3]:
        key = mr["subject"]["identifier"]["value"]
        pops = {p["code"]["coding"][0]["code"]: p["count"] for p in mr["group"][0]["population"]}
        assert (pops["numerator"], pops["denominator"]) == (rows[key]["numerator"], rows[key]["denominator"])
        assert mr["type"] == "subject-list"
