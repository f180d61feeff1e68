"""The first sheet of an XLSX roster, read with a bounded amount of work and memory.

An XLSX is a zip of XML parts, and a few kB zipped can hold millions of elements (12
million <si/> in xl/sharedStrings.xml, 2.5 million <xf/> in xl/styles.xml). A general
reader (openpyxl) builds every part whole before the first row is read, so such a file
holds a worker for half a minute and a gigabyte. Here each part goes through a streaming
expat parser that keeps no tree, counts elements against a budget, and stops as soon as
it has what a roster needs: the first rows of the first worksheet, then only the shared
strings and cell formats those rows use (formats only to tell dates from numbers). A DTD
is refused (an XLSX has none; that also rules out entity tricks).
"""
from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from datetime import datetime
from typing import Callable, Iterator
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

# Elements parsed per part at most: far above a 5,000-row roster (about 100,000 in its sheet
# and as many in its shared strings), far below what makes a worker wait.
SHEET_BUDGET = 600_000
STRINGS_BUDGET = 500_000
STYLES_BUDGET = 200_000       # Excel allows 64,000 cell formats
SMALL_PART_BUDGET = 100_000   # relationships and workbook.xml
MAX_CELL_TEXT = 32_767        # Excel's own limit of characters in a cell
MAX_PART_BYTES = 64 * 1024 * 1024
READ_CHUNK = 64 * 1024
# Input with no element, end or text in it: one start tag with a million attributes (or a
# huge comment) is parsed whole before any handler runs, so it is cut off by its length.
MAX_SILENT_BYTES = 256 * 1024
MAX_SHEET_ROW = 1_048_576
# Built-in formats Excel in Chinese shows as dates (ECMA-376 18.8.30, zh-cn): openpyxl's
# table lacks them, so 2025年9月1日 would come back as the number 45901.
CJK_DATE_FORMATS = {27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 57, 58}
INTEGER = re.compile(r"-?\d+")
INDEX = re.compile(r"[0-9]{1,9}")  # a shared-string or cell-format index (int() refuses 4,300+ digits)
CELL_REFERENCE = re.compile(r"([A-Za-z]{1,3})(\d*)")


class XlsxError(Exception):
    """The workbook cannot be read (`too_big` when it is over a budget rather than damaged)."""

    def __init__(self, part: str = "", too_big: bool = False):
        super().__init__(part)
        self.part, self.too_big = part, too_big


class _Enough(Exception):
    """Raised from a handler: the parser has what it needs from this part."""


def _local(name: str) -> str:
    return name.rpartition("}")[2]


def _refuse_dtd(*_args):
    raise XlsxError()


def _parse(archive: zipfile.ZipFile, part: str, budget: int, start: Callable,
           end: Callable | None = None, text: Callable | None = None) -> None:
    """Stream `part` through expat: start(local name, attributes), end(local name), text(data)."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    seen = read = heard_at = 0

    def on_start(name, attributes):
        nonlocal seen, heard_at
        seen += 1
        heard_at = read
        if seen > budget:
            raise XlsxError(part, too_big=True)
        start(_local(name), attributes)

    def on_end(name):
        nonlocal heard_at
        heard_at = read
        if end is not None:
            end(_local(name))

    def on_text(data):
        nonlocal heard_at
        heard_at = read
        if text is not None:
            text(data)

    parser.StartElementHandler = on_start
    parser.EndElementHandler = on_end
    parser.CharacterDataHandler = on_text
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(READ_CHUNK):
                read += len(chunk)
                if read > MAX_PART_BYTES:
                    raise XlsxError(part, too_big=True)
                parser.Parse(chunk, False)
                if read - heard_at > MAX_SILENT_BYTES:
                    raise XlsxError(part, too_big=True)
            parser.Parse(b"", True)
    except _Enough:
        pass
    except (KeyError, expat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError, RuntimeError,
            NotImplementedError, ValueError, LookupError):  # LookupError: an encoding Python lacks
        raise XlsxError(part) from None


def _relationships(archive: zipfile.ZipFile, source: str) -> dict[str, tuple[str, str]]:
    """{id: (type, part path)} of a part's relationships (none when it has no .rels part)."""
    folder, name = posixpath.split(source)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    found: dict[str, tuple[str, str]] = {}

    def start(local, attributes):
        if local != "Relationship" or attributes.get("TargetMode") == "External":
            return
        target = attributes.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found[attributes.get("Id", "")] = (attributes.get("Type", ""), path)

    if rels in archive.NameToInfo:
        _parse(archive, rels, SMALL_PART_BUDGET, start)
    return found


def _of_type(relationships: dict[str, tuple[str, str]], kind: str) -> str | None:
    return next((path for type_, path in relationships.values() if type_.endswith("/" + kind)), None)


class _Workbook:
    """Where the first worksheet, the shared strings and the styles are; the date epoch."""

    def __init__(self, archive: zipfile.ZipFile):
        self.path = _of_type(_relationships(archive, ""), "officeDocument") or "xl/workbook.xml"
        relationships = _relationships(archive, self.path)
        sheet_ids: list[str] = []
        self.epoch = CALENDAR_WINDOWS_1900

        def start(local, attributes):
            if local == "sheet":
                sheet_ids.append(next((v for k, v in attributes.items() if _local(k) == "id"), ""))
            elif local == "workbookPr" and attributes.get("date1904", "").lower() in ("1", "true"):
                self.epoch = CALENDAR_MAC_1904

        _parse(archive, self.path, SMALL_PART_BUDGET, start)
        worksheets = [relationships[i][1] for i in sheet_ids
                      if i in relationships and relationships[i][0].endswith("/worksheet")]
        self.sheet = worksheets[0] if worksheets else None
        self.strings = _of_type(relationships, "sharedStrings")
        self.styles = _of_type(relationships, "styles")


def _column(reference: str, previous: int) -> int:
    match = CELL_REFERENCE.fullmatch(reference) if reference else None
    if match is None:
        if reference:
            raise XlsxError()
        return previous + 1
    number = 0
    for letter in match.group(1).upper():
        number = number * 26 + ord(letter) - 64
    return number


class _SheetReader:
    """Rows 1..max_rows of a worksheet as lists of raw cells (type, style, text) by column."""

    def __init__(self, max_rows: int, max_columns: int):
        self.max_rows, self.max_columns = max_rows, max_columns
        self.rows: list[list] = []
        self.in_data = False
        self.row: list | None = None
        self.column = 0
        self.cell: list | None = None   # [type, style, text]
        self.text: list[str] | None = None
        self.text_length = 0            # of the whole cell: an inline string's runs count together
        self.inline: list[str] = []     # an inline string's runs, joined once at </is>
        self.in_inline = self.in_phonetic = False

    def start(self, local, attributes):
        if local == "sheetData":
            self.in_data = True
        elif not self.in_data:
            return
        elif local == "row":
            self._start_row(attributes.get("r"))
        elif local == "c" and self.row is not None:
            self.column = _column(attributes.get("r", ""), self.column)
            self.cell = [attributes.get("t", "n"), attributes.get("s"), None]
            self.text_length = 0
        elif self.cell is None:
            return
        elif local == "v":
            self._collect()
        elif local == "is":
            self.in_inline = True
            self.inline = []
        elif local == "rPh":
            self.in_phonetic = True
        elif local == "t" and self.in_inline and not self.in_phonetic:
            self._collect()

    def _start_row(self, reference: str | None):
        number = len(self.rows) + 1
        if reference is not None:
            if not reference.isdecimal() or not number <= int(reference) <= MAX_SHEET_ROW:
                raise XlsxError()  # rows out of order or numbered outside the sheet
            number = int(reference)
        if number > self.max_rows:
            # A row past the limit: the rows before it, padded to it, are all that is needed.
            self.rows.extend([] for _ in range(self.max_rows - len(self.rows)))
            raise _Enough
        self.rows.extend([] for _ in range(number - 1 - len(self.rows)))
        self.row, self.column = [], 0

    def _collect(self):
        self.text = []

    def text_data(self, data: str):
        if self.text is not None:
            self.text_length += len(data)
            if self.text_length > MAX_CELL_TEXT:
                raise XlsxError()
            self.text.append(data)

    def end(self, local):
        if not self.in_data:
            return
        if local == "sheetData":
            self.in_data = False
            raise _Enough
        if local == "row" and self.row is not None:
            self.rows.append(self.row)
            self.row = None
        elif self.cell is None:
            return
        elif local in ("v", "t") and self.text is not None:
            if local == "t":
                self.inline.append("".join(self.text))
            else:
                self.cell[2] = "".join(self.text)
            self.text = None
        elif local == "rPh":
            self.in_phonetic = False
        elif local == "is":
            self.in_inline = False
            self.cell[2] = "".join(self.inline)
        elif local == "c":
            if self.column <= self.max_columns and self.cell[2] is not None:
                self.row.extend([None] * (self.column - 1 - len(self.row)))
                if len(self.row) < self.column:
                    self.row.append(self.cell)
            self.cell = None


def _shared_strings(archive: zipfile.ZipFile, part: str | None, wanted: set[int]) -> dict[int, str]:
    """Only the strings `wanted`; the parse stops after the last of them."""
    if not wanted:
        return {}
    if part is None:
        raise XlsxError()
    last = max(wanted)
    found: dict[int, str] = {}
    state = {"index": -1, "text": None, "phonetic": False, "length": 0}

    def start(local, _attributes):
        if local == "si":
            state["index"] += 1
            if state["index"] > last:
                raise _Enough
            state["text"] = [] if state["index"] in wanted else None
            state["length"] = 0
        elif local == "rPh":
            state["phonetic"] = True
        elif local == "t" and state["text"] is not None and not state["phonetic"]:
            state["in_t"] = True

    def end(local):
        if local == "t":
            state["in_t"] = False
        elif local == "rPh":
            state["phonetic"] = False
        elif local == "si" and state["text"] is not None:
            found[state["index"]] = "".join(state["text"])
            state["text"] = None

    def text(data):
        if state.get("in_t") and state["text"] is not None:
            state["length"] += len(data)
            if state["length"] > MAX_CELL_TEXT:
                raise XlsxError(part)
            state["text"].append(data)

    _parse(archive, part, STRINGS_BUDGET, start, end, text)
    if len(found) != len(wanted):
        raise XlsxError(part)  # a cell points past the table
    return found


def _date_styles(archive: zipfile.ZipFile, part: str | None, wanted: set[int]) -> set[int]:
    """Which of the cell formats `wanted` show dates; the parse stops after the last of them."""
    if not wanted or part is None:
        return set()
    last = max(wanted)
    codes: dict[int, str] = {}
    formats: list[int] = []
    state = {"in_xfs": False}

    def start(local, attributes):
        if local == "numFmt":
            try:
                codes[int(attributes.get("numFmtId", ""))] = attributes.get("formatCode", "")
            except ValueError:
                pass
        elif local == "cellXfs":
            state["in_xfs"] = True
        elif local == "xf" and state["in_xfs"]:
            if len(formats) > last:
                raise _Enough
            try:
                formats.append(int(attributes.get("numFmtId", "0")))
            except ValueError:
                formats.append(0)

    def end(local):
        if local == "cellXfs":
            raise _Enough

    _parse(archive, part, STYLES_BUDGET, start, end)
    return {index for index in wanted if index < len(formats) and _is_date(formats[index], codes)}


def _is_date(format_id: int, codes: dict[int, str]) -> bool:
    if format_id in CJK_DATE_FORMATS:
        return True
    code = codes.get(format_id) or BUILTIN_FORMATS.get(format_id)
    return bool(code) and is_date_format(code)


def _number(text: str):
    text = text.strip()
    return int(text) if INTEGER.fullmatch(text) else float(text)


def _value(cell: list, strings: dict[int, str], dates: set[int], epoch):
    kind, style, text = cell
    if kind == "s":
        return strings[int(text)]
    if kind in ("inlineStr", "str", "e"):
        return text
    if kind == "b":
        return text.strip() == "1"
    if kind == "d":
        try:
            return datetime.fromisoformat(text.strip())
        except ValueError:
            return text
    if not text.strip():
        return None
    try:
        number = _number(text)
    except ValueError:
        raise XlsxError() from None
    if style is not None and INDEX.fullmatch(style) and int(style) in dates:
        try:
            return from_excel(number, epoch)
        except (ValueError, OverflowError):
            return number
    return number


def read_first_sheet(data_file, max_rows: int, max_columns: int) -> Iterator[list]:
    """Rows 1..max_rows (missing rows as []) of the first worksheet, cells 1..max_columns:
    str, int, float, bool, datetime or None. XlsxError when the workbook cannot be read
    or is over a budget."""
    try:
        archive = zipfile.ZipFile(data_file)
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise XlsxError() from None
    with archive:
        workbook = _Workbook(archive)
        if workbook.sheet is None:
            return
        reader = _SheetReader(max_rows, max_columns)
        _parse(archive, workbook.sheet, SHEET_BUDGET, reader.start, reader.end, reader.text_data)
        shared = {int(c[2]) for row in reader.rows for c in row if c is not None and c[0] == "s"
                  and INDEX.fullmatch(c[2].strip())}
        if any(c is not None and c[0] == "s" and not INDEX.fullmatch(c[2].strip()) for row in reader.rows for c in row):
            raise XlsxError(workbook.sheet)
        strings = _shared_strings(archive, workbook.strings, shared)
        styled = {int(c[1]) for row in reader.rows for c in row
                  if c is not None and c[0] == "n" and c[1] is not None and INDEX.fullmatch(c[1])}
        dates = _date_styles(archive, workbook.styles, styled)
    for row in reader.rows:
        yield [None if cell is None else _value(cell, strings, dates, workbook.epoch) for cell in row]
