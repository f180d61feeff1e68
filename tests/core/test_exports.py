"""core.exports: formulas neutralised, Chinese file names, CSV with BOM, XLSX readable."""
from __future__ import annotations

import io
from datetime import datetime, timezone

from openpyxl import load_workbook

from learnhub.core.exports import MAX_WIDTH, MIN_WIDTH, csv_response, safe_cell, table_response, xlsx_response


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


def test_every_xlsx_has_a_bold_frozen_header_and_columns_as_wide_as_their_contents(app):
    rows = [["202500001", "张伟", 7, None], ["x" * 200, "欧阳娜娜娜娜", 12, None]]
    response = table_response("xlsx", "名单", ["学号", "Name", "n", "empty"], rows)
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1]) and not sheet["A2"].font.b
    widths = [sheet.column_dimensions[column].width for column in "ABCD"]
    # capped; six CJK characters count twelve (+2); at least the minimum; the header's width
    assert widths == [MAX_WIDTH, 12 + 2, MIN_WIDTH, len("empty") + 2]
    assert list(sheet.values)[2][1] == "欧阳娜娜娜娜"


def test_xlsx_widths_can_be_given(app):
    response = xlsx_response("w.xlsx", ["a", "b"], [[1, 2]], widths=[30, 8])
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert [sheet.column_dimensions[c].width for c in "AB"] == [30, 8]
