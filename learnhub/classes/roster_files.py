"""Reading roster files: CSV (UTF-8 with or without BOM, or GB18030) and XLSX, to rows of text.

No database here: the file's shape (encoding, headers, size) is checked and each data row
comes back as {column: text} with its spreadsheet row number (the header is row 1).
What the values mean is checked by roster_import.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

COLUMNS = ("username", "display_name", "student_no", "department", "stage", "stage_date",
           "email", "phone", "role")
REQUIRED_COLUMNS = ("username", "display_name")
# Headers as people write them, compared without spaces, '_' or '-' and case-folded (NFKC,
# so a full-width ／ is a /). English column names and the Chinese ones of Excel templates.
HEADER_ALIASES = {
    "username": "username", "用户名": "username", "账号": "username",
    "displayname": "display_name", "姓名": "display_name",
    "studentno": "student_no", "学号": "student_no", "工号": "student_no", "学号/工号": "student_no",
    "department": "department", "院系/支部": "department", "院系": "department", "支部": "department",
    "stage": "stage", "阶段": "stage",
    "stagedate": "stage_date", "阶段日期": "stage_date",
    "email": "email", "邮箱": "email", "电子邮箱": "email",
    "phone": "phone", "电话": "phone", "手机": "phone",
    "role": "role", "角色": "role",
}
MAX_ROWS = 5000
# Physical rows read, blank ones included (the header, empty rows, a title line): a sheet can
# claim a million rows in a few kB, so blank rows count too. A row with anything past
# MAX_COLUMNS is refused; an XLSX is read up to column MAX_COLUMNS + 1 only (a stray cell
# further right is not seen), a CSV row whole.
MAX_SHEET_ROWS = MAX_ROWS + 1000
MAX_COLUMNS = 50
MAX_BYTES = 2 * 1024 * 1024
# An XLSX is a zip: refuse one that would unpack to more than this (a zip bomb).
MAX_XLSX_UNPACKED = 64 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls


@dataclass
class FileRow:
    row: int                 # as the spreadsheet numbers it: the header is row 1
    values: dict[str, str]   # column -> stripped text ("" when empty)


@dataclass
class ParsedFile:
    rows: list[FileRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # file-level: nothing can be imported


def header_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return re.sub(r"[\s_\-]+", "", text)


def cell_text(value) -> str:
    """A cell as text: numbers typed by Excel (student numbers, phones) without '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def decode_csv(data: bytes) -> str | None:
    """UTF-8 (a BOM is dropped), else GB18030 as Excel in China saves CSV; None when neither."""
    text, _error = _decode_csv(data)
    return text


def _decode_csv(data: bytes) -> tuple[str | None, str | None]:
    """(text, None), or (None, why not). A file that is mostly UTF-8 is never read as GB18030:
    one pasted GBK name would otherwise turn every other name into mojibake."""
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    body = data[len(bom):]
    try:
        return body.decode("utf-8"), None
    except UnicodeDecodeError as error:
        start = error.start
    if _mostly_utf8(body):
        before = body[:start].decode("utf-8")
        return None, str(_l("Row %(row)d is not valid UTF-8 (at byte %(offset)d) while the rest of the file "
                            "is UTF-8: it was probably pasted from a GBK file. Save the file as UTF-8 "
                            "again and check the names in that row.",
                            row=_row_at(before), offset=len(bom) + start))
    try:
        return data.decode("gb18030"), None
    except UnicodeDecodeError:
        return None, str(_l("The file is neither UTF-8 nor GB18030 text."))


_NON_ASCII_RUN = re.compile(rb"[\x80-\xff]+")


def _mostly_utf8(data: bytes) -> bool:
    """Whether the runs of non-ASCII bytes are mostly valid UTF-8.

    Each run (a name, a department) is valid UTF-8 or not. GBK text is valid UTF-8 by
    accident now and then, but almost only as 2-byte sequences (Latin-looking letters);
    valid 3-byte characters (CJK) count fully, 2-byte ones half, against each invalid run.
    """
    valid = 0.0
    invalid = 0
    for run in _NON_ASCII_RUN.finditer(data):
        try:
            text = run.group().decode("utf-8")
        except UnicodeDecodeError:
            invalid += 1
            continue
        valid += sum(1.0 if ord(char) >= 0x800 else 0.5 for char in text)
    return valid >= 1 and valid >= invalid


def _row_at(text_before: str) -> int:
    """The CSV row (the header is row 1) of the character after `text_before`."""
    if not text_before:
        return 1
    try:
        records = sum(1 for _ in csv.reader(io.StringIO(text_before, newline="")))
    except csv.Error:
        return text_before.count("\n") + 1
    return records + 1 if text_before.endswith(("\n", "\r")) else records


def read_roster_file(data: bytes, filename: str = "", max_bytes: int = MAX_BYTES) -> ParsedFile:
    if not data or not data.strip():
        return ParsedFile(errors=[str(_l("The file is empty."))])
    if len(data) > max_bytes:
        return ParsedFile(errors=[str(_l("The file is larger than %(n)d MB.", n=max_bytes // (1024 * 1024)))])
    if data.startswith(OLE_MAGIC):
        return ParsedFile(errors=[str(_l("Old .xls files cannot be read: save it as .xlsx or CSV."))])
    if data.startswith(ZIP_MAGIC):
        return _from_table(_xlsx_rows(data))
    if filename.lower().endswith(".xlsx"):
        return ParsedFile(errors=[str(_l("The file is not a readable XLSX workbook."))])
    text, error = _decode_csv(data)
    if text is None:
        return ParsedFile(errors=[error])
    return _from_table(_csv_rows(text))


class _Unreadable(Exception):
    """The file could not be read at all; the message says why."""


def _csv_rows(text: str):
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error:
        raise _Unreadable(_l("The file is not a readable CSV file.")) from None


def _xlsx_rows(data: bytes):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNPACKED:
                raise _Unreadable(_l("The workbook unpacks to more than %(n)d MB.",
                                     n=MAX_XLSX_UNPACKED // (1024 * 1024)))
    except zipfile.BadZipFile:
        raise _Unreadable(_l("The file is not a readable XLSX workbook.")) from None
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001  (openpyxl raises many kinds for a damaged workbook)
        raise _Unreadable(_l("The file is not a readable XLSX workbook.")) from None
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        # Read-only mode trusts the sheet's <dimension> and pads every row, and every missing
        # row, to its width: "A1:XFD1048576" in a 5 kB file is 17 billion cells. Ignore it and
        # read at most one row and one column past the limits (_from_table refuses those).
        sheet.reset_dimensions()
        for values in sheet.iter_rows(max_col=MAX_COLUMNS + 1, max_row=MAX_SHEET_ROWS + 1, values_only=True):
            yield [cell_text(v) for v in values]
    except _Unreadable:
        raise
    except Exception:  # noqa: BLE001  (a damaged sheet inside a valid zip)
        raise _Unreadable(_l("The file is not a readable XLSX workbook.")) from None
    finally:
        workbook.close()


def _from_table(rows) -> ParsedFile:
    """Headers from the first non-empty row; data rows after it, blank rows skipped (but
    counted: MAX_SHEET_ROWS physical rows at most, and MAX_COLUMNS columns)."""
    parsed = ParsedFile()
    try:
        columns = None
        for number, cells in enumerate(rows, start=1):
            if number > MAX_SHEET_ROWS:
                return ParsedFile(errors=[str(_l(
                    "The sheet has more than %(n)d rows, blank ones included: delete the empty rows "
                    "below the list, or split it.", n=MAX_SHEET_ROWS))])
            cells = [cell_text(c) for c in cells]
            if any(cells[MAX_COLUMNS:]):
                return ParsedFile(errors=[str(_l(
                    "Row %(row)d has more than %(n)d columns: delete what is to the right of the list.",
                    row=number, n=MAX_COLUMNS))])
            if not any(cells):
                continue
            if columns is None:
                columns = _columns(cells, parsed.errors)
                if parsed.errors:
                    return parsed
                continue
            if len(parsed.rows) >= MAX_ROWS:
                parsed.errors.append(str(_l("The file has more than %(n)d rows: split it.", n=MAX_ROWS)))
                return parsed
            values = {name: "" for name in COLUMNS}
            for index, name in columns.items():
                if index < len(cells):
                    values[name] = cells[index]
            parsed.rows.append(FileRow(number, values))
    except _Unreadable as error:
        return ParsedFile(errors=[str(error)])
    if columns is None:
        parsed.errors.append(str(_l("The file is empty.")))
    elif not parsed.rows:
        parsed.errors.append(str(_l("The file has a header row but no members.")))
    return parsed


def _columns(cells: list[str], errors: list) -> dict[int, str]:
    """{cell index: column}; unknown, repeated or missing headers are file errors."""
    columns: dict[int, str] = {}
    for index, header in enumerate(cells):
        if not header:
            continue  # an empty header cell (a trailing column) is ignored
        name = HEADER_ALIASES.get(header_key(header))
        if name is None:
            errors.append(str(_l("Unknown column '%(header)s'. The columns are: %(columns)s.",
                                 header=header[:40], columns=", ".join(COLUMNS))))
        elif name in columns.values():
            errors.append(str(_l("The column '%(header)s' appears twice.", header=header[:40])))
        else:
            columns[index] = name
    for name in REQUIRED_COLUMNS:
        if name not in columns.values():
            errors.append(str(_l("The column '%(column)s' is missing.", column=name)))
    return columns
