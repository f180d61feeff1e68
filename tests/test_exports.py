"""core.exports: formulas neutralised, Chinese file names, CSV with BOM, XLSX readable."""
from __future__ import annotations

import io
from datetime import datetime, timezone

from openpyxl import load_workbook

from learnhub.core.exports import csv_response, safe_cell, table_response, xlsx_response


def test_formula_cells_are_neutralised():
    assert [safe_cell(v) for v in ["=1+1", "+86 10", "-2", "@SUM(A1)", "\tx", "plain", 3, None]] == [
        "'=1+1", "'+86 10", "'-2", "'@SUM(A1)", "'\tx", "plain", 3, ""]


def test_csv_has_bom_chinese_name_and_neutral_cells(app):
    response = csv_response("花名册.csv", ["用户名", "姓名"], [["=HYPERLINK(\"x\")", "张伟"]])
    body = response.get_data()
    assert body.startswith("\ufeff".encode()) and "张伟" in body.decode("utf-8")
    assert "'=HYPERLINK" in body.decode("utf-8")
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''%E8%8A%B1%E5%90%8D%E5%86%8C.csv" in disposition
    assert 'filename="___.csv"' in disposition


def test_xlsx_round_trips(app):
    when = datetime(2026, 9, 1, 8, 0, tzinfo=timezone.utc)
    response = xlsx_response("r.xlsx", ["a", "b", "c"], [["=cmd|' /C calc'!A0", 7, when]])
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.values)
    assert rows[0] == ("a", "b", "c")
    assert rows[1][0].startswith("'=") and rows[1][1] == 7 and rows[1][2] == when.replace(tzinfo=None)
    assert table_response("csv", "x", ["a"], [[1]]).mimetype == "text/csv"
