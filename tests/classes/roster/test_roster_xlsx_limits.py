"""XLSX rosters are read within a budget: a few kB zipped that hold millions of elements
(shared strings, cell formats, cells) are refused promptly with little memory, and the
values a roster needs (text, numbers, Excel dates, Chinese date formats) still read."""
from __future__ import annotations

import io
import signal
import threading
import tracemalloc
import zipfile
from contextlib import contextmanager
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from learnhub.classes.roster.files import read_roster_file
from tests.support.web import csrf_from, login

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = ('<?xml version="1.0" encoding="UTF-8"?>'
         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>'
         '<Override PartName="/xl/workbook.xml" '
         'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
         '<Override PartName="/xl/worksheets/sheet1.xml" '
         'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
         '<Override PartName="/xl/sharedStrings.xml" '
         'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
         '<Override PartName="/xl/styles.xml" '
         'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')
ROOT_RELS = (f'<?xml version="1.0"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" '
             f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (f'<?xml version="1.0"?><Relationships xmlns="{PKG}">'
                 f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
                 f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
                 f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/></Relationships>')
STRINGS = ("username", "display_name", "ann", "Ann")
HEADER_ROW = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
BOMB = 12_000_000    # empty <si/> in xl/sharedStrings.xml: 60 MB unpacked, under 100 kB zipped
STYLE_BOMB = 2_500_000


def _repeated(head: str, unit: str, count: int, tail: str):
    """A part written in chunks (never whole in memory): head, unit * count, tail."""
    def chunks():
        yield head.encode()
        block = unit.encode() * 100_000
        for _ in range(count // 100_000):
            yield block
        yield unit.encode() * (count % 100_000)
        yield tail.encode()
    return chunks


def crafted_xlsx(rows: str, extra_strings: int = 0, formats: int = 1) -> bytes:
    """A workbook written part by part (deflated): the sheet's <sheetData> is `rows`, the
    shared strings STRINGS then `extra_strings` empty ones, `formats` cell formats."""
    parts = {
        "[Content_Types].xml": TYPES, "_rels/.rels": ROOT_RELS, "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>{rows}'
                                    '</sheetData></worksheet>',
        "xl/sharedStrings.xml": _repeated(f'<?xml version="1.0"?><sst xmlns="{MAIN}">'
                                          + "".join(f"<si><t>{s}</t></si>" for s in STRINGS),
                                          "<si/>", extra_strings, "</sst>"),
        "xl/styles.xml": _repeated(f'<?xml version="1.0"?><styleSheet xmlns="{MAIN}"><cellXfs>',
                                   '<xf numFmtId="0"/>', formats, "</cellXfs></styleSheet>"),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            with archive.open(name, "w", force_zip64=True) as handle:
                for chunk in body() if callable(body) else [body.encode()]:
                    handle.write(chunk)
    return out.getvalue()


def with_part_changed(data: bytes, part: str, old: bytes, new: bytes) -> bytes:
    """The workbook `data` again, with `old` replaced by `new` in one of its parts."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            body = source.read(info.filename)
            archive.writestr(info.filename, body.replace(old, new) if info.filename == part else body)
    return out.getvalue()


def member_row(name_cell: str = '<c r="B2" t="s"><v>3</v></c>') -> str:
    return f'<row r="2"><c r="A2" t="s"><v>2</v></c>{name_cell}</row>'


BOMBS = {
    # The name cell points at the last of 12 million shared strings: all of them before it.
    "shared-strings": lambda: crafted_xlsx(HEADER_ROW + member_row(
        f'<c r="B2" t="s"><v>{len(STRINGS) + BOMB - 1}</v></c>'), extra_strings=BOMB),
    # A number cell formatted with the last of 2.5 million cell formats.
    "styles": lambda: crafted_xlsx(HEADER_ROW + member_row(
        f'<c r="B2" s="{STYLE_BOMB - 1}"><v>5</v></c>'), formats=STYLE_BOMB),
    # Five million empty cells in one row (past the columns a roster reads).
    "cells": lambda: crafted_xlsx(HEADER_ROW + member_row() + '<row r="3">' + "<c/>" * 5_000_000 + "</row>"),
    # One start tag with 800,000 attributes: parsed whole before any handler could count it.
    "attributes": lambda: crafted_xlsx(HEADER_ROW + member_row().replace(
        '<row r="2">', '<row r="2" ' + " ".join(f"a{i:x}=''" for i in range(800_000)) + ">")),
}
TIMEOUT = 20  # seconds: the unbounded reader took 30 s and more, the bounded one about 1


def read_in_thread(data: bytes):
    """read_roster_file in a thread, given TIMEOUT seconds: (parsed or None, peak bytes)."""
    result = {}

    def work():
        tracemalloc.start()
        try:
            result["parsed"] = read_roster_file(data, "roster.xlsx")
        finally:
            result["peak"] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(TIMEOUT)
    assert not thread.is_alive(), f"the workbook was still being read after {TIMEOUT} s"
    return result["parsed"], result["peak"]


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_a_workbook_with_millions_of_elements_is_refused_promptly_in_little_memory(app, bomb):
    data = BOMBS[bomb]()
    assert len(data) < 2 * 1024 * 1024  # under the upload limit
    parsed, peak = read_in_thread(data)
    assert parsed.rows == [] and len(parsed.errors) == 1, parsed.errors
    assert "too large to read" in parsed.errors[0], parsed.errors
    assert peak < 64 * 1024 * 1024, f"{peak / 2**20:.0f} MB"  # generous: openpyxl took 0.75-1.6 GB


def test_unused_bulk_is_never_parsed(app):
    """Rows that use the first strings and formats only: the rest of the parts is not read."""
    data = crafted_xlsx(HEADER_ROW + member_row(), extra_strings=BOMB // 2, formats=STYLE_BOMB // 2)
    parsed, peak = read_in_thread(data)
    assert parsed.errors == [] and [(r.row, r.values["username"], r.values["display_name"])
                                    for r in parsed.rows] == [(2, "ann", "Ann")]
    assert peak < 16 * 1024 * 1024


@contextmanager
def alarm(seconds: int):
    """Fail (TimeoutError) when the block takes longer than `seconds` (main thread only)."""
    def expired(_signum, _frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("bomb", ["shared-strings", "styles"])
def test_the_api_answers_a_prompt_422_and_the_page_a_form_error(client, make_class, bomb):
    school_class = make_class()
    assert login(client, school_class.head.username).status_code == 302
    headers = {"X-CSRFToken": csrf_from(client, "/account")}
    data = BOMBS[bomb]()
    with alarm(TIMEOUT):
        response = client.post(f"/api/v1/classes/{school_class.id}/roster/import?dry_run=1",
                               data={"file": (io.BytesIO(data), "roster.xlsx")}, headers=headers,
                               content_type="multipart/form-data")
    assert response.status_code == 422 and response.is_json
    body = response.get_json()
    assert body["error"]["code"] == "invalid_roster" and "too large to read" in body["error"]["message"]
    url = f"/classes/{school_class.id}/roster/import"
    with alarm(TIMEOUT):
        page = client.post(url, data={"csrf_token": csrf_from(client, url),
                                      "file": (io.BytesIO(data), "roster.xlsx")},
                           content_type="multipart/form-data")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "too large to read" in text and 'name="token"' not in text
    assert 'class="field-error"' in text  # on the file field, as a form error


# ---- what a roster needs still reads -----------------------------------------------------------

def test_excel_dates_numbers_and_chinese_date_formats_read(app):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "学号", "阶段", "阶段日期", "手机"])
    sheet.append(["张三", 2025001, "入党积极分子", datetime(2025, 9, 1), 13800000001])
    sheet.append(["李四", "2025002", "入党积极分子", date(2025, 3, 15), "13800000002"])
    sheet.append(["王五", 2025003, "入党积极分子", datetime(2024, 12, 31), None])
    sheet["D4"].number_format = 'yyyy"年"m"月"d"日"'  # a custom Chinese format
    sheet.append(["赵六", 2025004, "入党积极分子", 45901, None])
    sheet["D5"].number_format = "0"  # a plain number stays a number
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = read_roster_file(buffer.getvalue(), "r.xlsx")
    assert parsed.errors == []
    assert [(r.values["display_name"], r.values["student_no"], r.values["stage_date"], r.values["phone"])
            for r in parsed.rows] == [("张三", "2025001", "2025-09-01", "13800000001"),
                                      ("李四", "2025002", "2025-03-15", "13800000002"),
                                      ("王五", "2025003", "2024-12-31", ""),
                                      ("赵六", "2025004", "45901", "")]


def test_a_built_in_chinese_date_format_reads_as_a_date(app):
    """numFmtId 31 is 2025年9月1日 in Chinese Excel; openpyxl's table does not know it."""
    data = crafted_xlsx('<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c>'
                        '<c r="B1" t="inlineStr"><is><t>学号</t></is></c>'
                        '<c r="C1" t="inlineStr"><is><t>阶段</t></is></c>'
                        '<c r="D1" t="inlineStr"><is><t>阶段日期</t></is></c></row>'
                        '<row r="2"><c r="A2" t="inlineStr"><is><r><t>张</t></r><r><t>三</t></r>'
                        '<rPh><t>zhang</t></rPh></is></c><c r="B2"><v>2025001</v></c>'
                        '<c r="C2" t="inlineStr"><is><t>activist</t></is></c><c r="D2" s="1"><v>45901</v></c></row>')
    # The crafted styles have one format (id 0); add a second with the built-in id 31.
    data = with_part_changed(data, "xl/styles.xml", b"</cellXfs>", b'<xf numFmtId="31"/></cellXfs>')
    parsed = read_roster_file(data, "r.xlsx")
    assert parsed.errors == []
    assert [(r.values["display_name"], r.values["student_no"], r.values["stage_date"]) for r in parsed.rows] \
        == [("张三", "2025001", "2025-09-01")]


def test_a_dtd_is_refused(app):
    data = with_part_changed(crafted_xlsx(HEADER_ROW + member_row()), "xl/sharedStrings.xml",
                             b'<?xml version="1.0"?>', b'<?xml version="1.0"?><!DOCTYPE sst '
                             b'[<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>')
    parsed = read_roster_file(data, "r.xlsx")
    assert parsed.rows == [] and "not a readable XLSX" in parsed.errors[0]


# ---- review of issue 11: numbers too long to be indexes, one huge inline cell -----------------------

@pytest.mark.parametrize("cell, error", [
    # A shared-string index of 5,000 digits points at no string: the file is unreadable.
    ('<c r="B2" t="s"><v>' + "9" * 5000 + "</v></c>", "not a readable XLSX"),
    # A cell format of 5,000 digits is no format there is (as one past the table): a plain number.
    ('<c r="B2" s="' + "1" * 5000 + '"><v>5</v></c>', None),
])
def test_an_index_too_long_for_int_is_not_a_500(client, make_class, cell, error):
    """int() refuses more than 4,300 digits with ValueError, which escaped the reader (a 500)."""
    data = crafted_xlsx(HEADER_ROW + member_row(cell))
    parsed, _peak = read_in_thread(data)
    if error:
        assert parsed.rows == [] and error in parsed.errors[0], parsed.errors
    else:
        assert parsed.errors == [] and parsed.rows[0].values["display_name"] == "5"
    school_class = make_class()
    assert login(client, school_class.head.username).status_code == 302
    response = client.post(f"/api/v1/classes/{school_class.id}/roster/import?dry_run=1",
                           data={"file": (io.BytesIO(data), "roster.xlsx")},
                           headers={"X-CSRFToken": csrf_from(client, "/account")},
                           content_type="multipart/form-data")
    assert response.status_code == (422 if error else 200), response.get_data(as_text=True)


def test_an_inline_string_cell_is_bounded_as_a_whole_not_per_run(app):
    """2,000 runs of 30,000 characters in one inline cell (60 MB unpacked, within the budgets)
    made a 60-million-character name, joined run by run (quadratic: 45 s). A cell holds at
    most Excel's 32,767 characters, however many runs it is split into."""
    runs = ("<t>" + "x" * 30_000 + "</t>") * 2_000
    data = crafted_xlsx(HEADER_ROW + member_row(f'<c r="B2" t="inlineStr"><is>{runs}</is></c>'))
    parsed, _peak = read_in_thread(data)
    assert parsed.rows == [] and "not a readable XLSX" in parsed.errors[0], parsed.errors


def test_many_short_runs_of_an_inline_cell_read_in_linear_time(app):
    """200,000 one-letter runs (each a separate <r><t>): the text is joined once."""
    runs = "<r><t>x</t></r>" * 20_000
    data = crafted_xlsx(HEADER_ROW + member_row(f'<c r="B2" t="inlineStr"><is>{runs}</is></c>'))
    parsed, _peak = read_in_thread(data)
    assert parsed.errors == [] and len(parsed.rows[0].values["display_name"]) == 20_000


@pytest.mark.parametrize("encoding", ["x-unknown", "base64"])
def test_a_part_declaring_an_encoding_python_lacks_is_unreadable_not_a_500(app, encoding):
    """expat asks Python's codecs for an encoding it does not know: LookupError escaped."""
    data = with_part_changed(crafted_xlsx(HEADER_ROW + member_row()), "xl/worksheets/sheet1.xml",
                             b'<?xml version="1.0"?>', f'<?xml version="1.0" encoding="{encoding}"?>'.encode())
    parsed = read_roster_file(data, "r.xlsx")
    assert parsed.rows == [] and "not a readable XLSX" in parsed.errors[0]
