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

from .xlsx import XlsxError, read_first_sheet

COLUMNS = ("username", "display_name", "student_no", "department", "stage", "stage_date",
           "email", "phone", "role")
# The name is required; the username may be left out when the file has student numbers
# (usernames are then made from them, see roster_import.username_from_number).
REQUIRED_COLUMNS = ("display_name",)
# Headers as people write them, compared without spaces, '_' or '-' and case-folded (NFKC,
# so a full-width ／ is a /). English column names and the Chinese ones of Excel templates.
HEADER_ALIASES = {
    "username": "username", "用户名": "username", "账号": "username",
    "displayname": "display_name", "name": "display_name", "姓名": "display_name",
    "studentno": "student_no", "studentnumber": "student_no", "学号": "student_no", "工号": "student_no", "学号/工号": "student_no",
    "department": "department", "院系/支部": "department", "院系": "department", "支部": "department",
    "stage": "stage", "阶段": "stage",
    "stagedate": "stage_date", "阶段日期": "stage_date",
    "email": "email", "邮箱": "email", "电子邮箱": "email",
    "phone": "phone", "电话": "phone", "手机": "phone",
    "role": "role", "角色": "role",
}
# Each column's header in the import template (and in messages about a column a file leaves
# out), by language: every one of them is also an alias above, so a template reads back.
TEMPLATE_HEADERS = {
    "zh": {"display_name": "姓名", "student_no": "学号", "phone": "手机", "department": "院系/支部",
           "stage": "阶段", "stage_date": "阶段日期", "email": "邮箱", "username": "用户名", "role": "角色"},
    "en": {"display_name": "Name", "student_no": "Student number", "phone": "Phone",
           "department": "Department", "stage": "Stage", "stage_date": "Stage date", "email": "Email",
           "username": "Username", "role": "Role"},
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
    headers: dict[str, str] = field(default_factory=dict)  # column -> its header as the file writes it

    def label(self, column: str) -> str:
        """How messages name a column: as the file's header does (学号, not student_no); a
        column the file leaves out, in the language of the file's other headers."""
        return self.headers.get(column) or column_name(column, chinese=_is_chinese(self.headers.values()))

    def has(self, column: str) -> bool:
        return column in self.headers


# The import template's one example row: a member whose username is made from the number.
TEMPLATE_EXAMPLE = {
    "zh": {"display_name": "张三", "department": "计算机学院第一党支部", "stage": "入党积极分子", "role": "学员"},
    "en": {"display_name": "Zhang San", "department": "School of Computing, first branch", "stage": "activist",
           "role": "member"},
}


def template_table(language: str) -> tuple[list[str], list[list]]:
    """The import template in `language` ("zh" or anything else for English): headers and
    one example row. Student and phone numbers are text (Excel keeps their leading zeros)."""
    language = "zh" if language == "zh" else "en"
    example = {"student_no": "2025001", "phone": "13800000000", "stage_date": date(2025, 9, 1),
               "email": "zhangsan@example.edu.cn", "username": None, **TEMPLATE_EXAMPLE[language]}
    headers = TEMPLATE_HEADERS[language]
    return list(headers.values()), [[example[column] for column in headers]]


def column_name(column: str, chinese: bool) -> str:
    return TEMPLATE_HEADERS["zh"][column] if chinese else column


def _is_chinese(headers) -> bool:
    return any(not header.isascii() for header in headers)


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
    # The sheet's <dimension> is not trusted: at most one row and one column past the limits
    # are read (_from_table refuses those), and every part within a parse budget.
    try:
        yield from read_first_sheet(io.BytesIO(data), MAX_SHEET_ROWS + 1, MAX_COLUMNS + 1)
    except XlsxError as error:
        if error.too_big:
            raise _Unreadable(_l("The workbook holds far more than a roster (%(part)s is too large to "
                                 "read): copy the list into a new workbook, or save it as CSV.",
                                 part=error.part)) from None
        raise _Unreadable(_l("The file is not a readable XLSX workbook.")) from None


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
                parsed.headers = {name: cells[index][:40] for index, name in columns.items()}
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
    """{cell index: column}; unknown, repeated or missing headers are file errors, naming
    columns in the language of the file's headers."""
    chinese = _is_chinese(cells)
    columns: dict[int, str] = {}
    for index, header in enumerate(cells):
        if not header:
            continue  # an empty header cell (a trailing column) is ignored
        name = HEADER_ALIASES.get(header_key(header))
        if name is None:
            errors.append(str(_l("Unknown column '%(header)s'. The columns are: %(columns)s.",
                                 header=header[:40],
                                 columns=", ".join(column_name(c, chinese) for c in COLUMNS))))
        elif name in columns.values():
            errors.append(str(_l("The column '%(header)s' appears twice.", header=header[:40])))
        else:
            columns[index] = name
    for name in REQUIRED_COLUMNS:
        if name not in columns.values():
            errors.append(str(_l("The column '%(column)s' is missing.", column=column_name(name, chinese))))
    if not {"username", "student_no"} & set(columns.values()):
        errors.append(str(_l("The file needs a column '%(number)s' (usernames are made from the student "
                             "numbers) or '%(username)s'.", number=column_name("student_no", chinese),
                             username=column_name("username", chinese))))
    return columns
