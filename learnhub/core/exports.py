"""CSV and XLSX downloads, written once for every feature (rosters, attendance, gradebooks).

Cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start) are
prefixed with an apostrophe (OWASP's CSV injection advice). File names may be Chinese:
Content-Disposition carries an ASCII fallback and the UTF-8 name (RFC 6266 / 5987).
Every XLSX sheet has a bold, frozen header row and columns as wide as their contents (CJK
characters count double), so a file opens readable in Excel or WPS without adjusting it.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date, datetime
from typing import Iterable, Sequence
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Column widths in characters; measured on the header and the first rows (enough to see
# what a column holds, and a wide export stays fast).
MIN_WIDTH, MAX_WIDTH = 6, 50
WIDTH_SAMPLE_ROWS = 500


def safe_cell(value):
    """A cell value that no spreadsheet will evaluate; numbers and dates stay typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float, date, datetime)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> Response:
    """A UTF-8 CSV with a BOM, so Excel in China opens the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([_csv_text(safe_cell(v)) for v in row])
    body = "\ufeff" + buffer.getvalue()
    return Response(body.encode("utf-8"), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": _disposition(filename),
                             "Cache-Control": "no-store"})


def _csv_text(value) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value) if not isinstance(value, str) else value


def _display_width(value) -> int:
    """Characters as a spreadsheet shows them: wide (CJK, full-width) ones count twice."""
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    text = value if isinstance(value, str) else str(value)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def column_widths(header: Sequence, rows: Sequence[Sequence]) -> list[int]:
    """Each column's width: its widest cell among the header and the first rows, plus a margin."""
    widths = [_display_width(h) for h in header]
    for row in rows[:WIDTH_SAMPLE_ROWS]:
        for index, value in enumerate(row):
            if index >= len(widths):
                widths.append(0)
            if value is not None:
                widths[index] = max(widths[index], _display_width(value))
    return [min(MAX_WIDTH, max(MIN_WIDTH, width + 2)) for width in widths]


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence],
                  sheet_title: str = "Sheet1", *, widths: Sequence[float] | None = None) -> Response:
    """`widths` (characters per column) overrides the measured ones."""
    rows = [[None if v is None else _xlsx_value(safe_cell(v)) for v in row] for row in rows]
    header = [safe_cell(h) for h in header]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    # A write-only sheet takes its layout before its first row.
    for index, width in enumerate(widths or column_widths(header, rows), 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_bold_cell(sheet, h, bold) for h in header])
    for row in rows:
        # None stays an empty cell, which a write-only sheet skips (wide exports stay fast).
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return Response(buffer.getvalue(), mimetype=XLSX_TYPE,
                    headers={"Content-Disposition": _disposition(filename),
                             "Cache-Control": "no-store"})


def _bold_cell(sheet, value, font: Font) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


def _xlsx_value(value):
    # openpyxl cannot store aware datetimes: exports show them in UTC without the offset.
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def table_response(kind: str, filename_stem: str, header: Sequence[str], rows: Iterable[Sequence],
                   sheet_title: str = "Sheet1", *, widths: Sequence[float] | None = None) -> Response:
    """`kind` is "csv" or "xlsx" (the route's extension); anything else is a ValueError."""
    rows = list(rows)
    if kind == "csv":
        return csv_response(f"{filename_stem}.csv", header, rows)
    if kind == "xlsx":
        return xlsx_response(f"{filename_stem}.xlsx", header, rows, sheet_title, widths=widths)
    raise ValueError(kind)
