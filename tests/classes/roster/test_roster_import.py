"""Roster import: file formats and headers, every row error with its row number, file errors,
all or nothing, the preview/confirm pages, the password sheet shown once, the CLI, 2,000 rows."""
from __future__ import annotations

import csv
import io
import re
import time

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from learnhub.auth.models import User
from learnhub.classes.models import Membership
from learnhub.classes.roster import files as roster_files
from learnhub.classes.roster.files import read_roster_file
from learnhub.classes.roster.models import StageChange
from learnhub.core.audit import AuditEntry
from tests.support.roster_files import upload, xlsx_bytes as roster_xlsx
from tests.support.web import api_login, csrf_from, login

HEADER = ["username", "display_name", "student_no", "department", "stage", "email", "phone", "role"]
CHINESE = ["用户名", "姓名", "学号", "院系/支部", "阶段", "邮箱", "电话", "角色"]
GOOD = [["zhangsan", "张三", "2021001", "计算机学院第一党支部", "入党积极分子", "zs@example.edu.cn", "13800000001", "学员"],
        ["lisi", "李四", "2021002", "数学学院支部", "probationary", "", "", ""]]


def csv_bytes(rows, header=HEADER, encoding="utf-8", bom=False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    return roster_xlsx(header, rows)


def counts(db):
    return (db.session.scalar(select(func.count()).select_from(User)),
            db.session.scalar(select(func.count()).select_from(Membership)),
            db.session.scalar(select(func.count()).select_from(StageChange)))


@pytest.fixture
def head(client, make_class):
    """A class and its head teacher logged in through the API: (class, headers)."""
    school_class = make_class()
    return school_class, api_login(client, school_class.head)


# ---- formats -------------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    csv_bytes(GOOD, CHINESE, bom=True),
    csv_bytes(GOOD, CHINESE, encoding="gb18030"),
    csv_bytes(GOOD, ["用户名", "姓名", "学号", "支部", "阶段", "邮箱", "电话", "角色"]),
    csv_bytes(GOOD, ["Username", "Display Name", "student-no", "院系", "STAGE", "E-mail", "phone", "Role"]),
    xlsx_bytes([[r[0], r[1], int(r[2]), *r[3:]] for r in GOOD], CHINESE),
], ids=["utf8-bom-chinese", "gb18030", "branch-header", "english-variants", "xlsx-numbers"])
def test_formats_and_headers_import_the_same_rows(client, head, db, data):
    school_class, headers = head
    name = "roster.xlsx" if data.startswith(b"PK") else "roster.csv"
    preview = upload(client, school_class, data, headers, name, dry_run=True)
    assert preview.status_code == 200, preview.get_json()
    assert [(r["row"], r["username"], r["result"]) for r in preview.get_json()["rows"]] == [
        (2, "zhangsan", "new_account"), (3, "lisi", "new_account")]
    assert preview.get_json()["imported"] == 0 and "password" not in preview.get_json()["rows"][0]
    assert db.session.scalar(select(User).where(User.username == "zhangsan")) is None
    done = upload(client, school_class, data, headers, name)
    assert done.status_code == 200 and done.get_json()["imported"] == 2
    assert done.headers["Cache-Control"] == "no-store"
    zhang = db.session.scalar(select(User).where(User.username == "zhangsan"))
    assert zhang.display_name == "张三" and zhang.must_change_password and zhang.role == "member"
    assert zhang.password_hash.startswith("pbkdf2:sha256:1000$")
    membership = db.session.scalar(select(Membership).where(Membership.user_id == zhang.id))
    assert (membership.stage, membership.student_no, membership.department, membership.email,
            membership.phone, membership.role) == ("activist", "2021001", "计算机学院第一党支部",
                                                   "zs@example.edu.cn", "13800000001", "member")
    change = db.session.scalar(select(StageChange).where(StageChange.membership_id == membership.id))
    assert (change.from_stage, change.to_stage) == (None, "activist")
    # The one-time password works once, and the account must change it.
    password = done.get_json()["rows"][0]["password"]
    assert len(password.replace("-", "")) == 16
    fresh = client.application.test_client()
    assert login(fresh, "zhangsan", password).status_code == 302
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "class.roster_import"))


def test_existing_accounts_enrol_and_already_enrolled_rows_change_nothing(client, head, make_user, make_class, db):
    school_class, headers = head
    known, member = make_user("known"), make_user("member1")
    make_user("staffer", role="instructor")  # named in the file below
    other = make_class(members=[known])
    db.session.execute(Membership.__table__.update().where(Membership.class_id == other.id,
                                                           Membership.user_id == known.id)
                       .values(student_no="2020001"))
    db.session.add(Membership(class_id=school_class.id, user_id=member.id, role="member", department="Kept"))
    db.session.commit()
    rows = [["known", "Known", "2020001", "", "", "", "", ""],     # same number on record: enrolled
            ["member1", "Member", "", "Changed", "", "", "", ""],  # already in the class
            ["staffer", "Staff", "", "", "", "", "", "阅卷人"]]     # a staff-capable account as grader
    response = upload(client, school_class, csv_bytes(rows), headers)
    assert response.status_code == 200, response.get_json()
    assert [r["result"] for r in response.get_json()["rows"]] == ["enrolled", "already_enrolled", "enrolled"]
    assert all("password" not in r for r in response.get_json()["rows"])
    roles = dict(db.session.execute(select(User.username, Membership.role).join(Membership)
                                    .where(Membership.class_id == school_class.id)).all())
    assert roles["staffer"] == "grader" and roles["known"] == "member"
    kept = db.session.scalar(select(Membership.department).where(Membership.user_id == member.id))
    assert kept == "Kept"


# ---- row errors, all or nothing ------------------------------------------------------------------

ERROR_CASES = [
    (["", "No Name", "", "", "", "", "", ""], "Missing field: username"),
    (["noname", "", "", "", "", "", "", ""], "Missing field: display_name"),
    (["stage1", "S", "", "", "党员候选人", "", "", ""], "Unknown stage"),
    (["zhangsan", "Again", "", "", "", "", "", ""], "Duplicate in the file: the same username as row 2"),
    (["numdup", "N", "2021001", "", "", "", "", ""], "Duplicate in the file: the same student_no as row 2"),
    (["mail1", "M", "", "", "", "not-an-address", "", ""], "Bad e-mail address"),
    (["taken", "Other person", "9999999", "", "", "", "", ""], "taken by a different person"),
    (["newnum", "N", "2019000", "", "", "", "", ""], "belongs to another member of this class"),
    (["newgrader", "G", "", "", "", "", "", "grader"], "needs an existing staff account"),
    (["plainmember", "P", "", "", "", "", "", "grader"], "Only staff, instructor or admin accounts"),
    (["Bad Name!", "B", "", "", "", "", "", ""], "is not valid"),
    (["phone1", "P", "", "", "", "", "call me", ""], "Bad phone number"),
    (["role1", "R", "", "", "", "", "", "head_teacher"], "Unknown role"),
]


@pytest.mark.parametrize("bad, message", ERROR_CASES, ids=[c[1][:30] for c in ERROR_CASES])
def test_each_row_error_has_its_row_number_and_nothing_is_written(client, head, make_user, make_class, db,
                                                                  bad, message):
    school_class, headers = head
    taken = make_user("taken")
    make_user("plainmember")
    other = make_class(members=[taken])
    db.session.execute(Membership.__table__.update().where(Membership.class_id == other.id,
                                                           Membership.user_id == taken.id)
                       .values(student_no="1111111"))
    holder = make_user("holder")
    db.session.add(Membership(class_id=school_class.id, user_id=holder.id, role="member", student_no="2019000"))
    db.session.commit()
    before = counts(db)
    # The bad row sits between good ones: row 2 and 3 are good, the bad one is row 4, row 5 good.
    rows = [GOOD[0], GOOD[1], bad, ["wangwu", "王五", "2021005", "", "", "", "", ""]]
    for dry_run in (True, False):
        response = upload(client, school_class, csv_bytes(rows), headers, dry_run=dry_run)
        assert response.status_code == 422, response.get_json()
        body = response.get_json()
        assert body["error"]["code"] == "invalid_roster" and body["imported"] == 0
        errors = [r for r in body["rows"] if r["result"] == "error"]
        assert [r["row"] for r in errors] == [4], errors
        assert message in errors[0]["message"]
        assert [r["result"] for r in body["rows"] if r["row"] != 4] == ["new_account"] * 3
        assert counts(db) == before  # one bad row anywhere: nothing imported


@pytest.mark.parametrize("data, message", [
    (csv_bytes(GOOD, HEADER + ["nickname"]), "Unknown column 'nickname'"),
    (csv_bytes([["zhangsan", "2021001"]], ["username", "student_no"]), "The column 'display_name' is missing"),
    (csv_bytes(GOOD, ["username", "username", *HEADER[2:]]), "appears twice"),
    (b"", "The file is empty"),
    (b"\n\n  \n", "The file is empty"),
    (csv_bytes([]), "no members"),
    (b"\xff\xfe\xff\xfe\x80\x80", "neither UTF-8 nor GB18030"),
    (b"\xd0\xcf\x11\xe0rest-of-an-old-xls", "Old .xls"),
    (b"PK\x03\x04broken", "not a readable XLSX"),
    (csv_bytes([[f"u{n}", "N", "", "", "", "", "", ""] for n in range(5001)]), "more than 5000 rows"),
], ids=["unknown-header", "missing-header", "repeated-header", "empty", "blank", "header-only", "not-text",
        "xls", "broken-xlsx", "too-many-rows"])
def test_file_errors_refuse_the_whole_file(client, head, db, data, message):
    school_class, headers = head
    before = counts(db)
    response = upload(client, school_class, data, headers)
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["error"]["code"] == "invalid_roster" and body["rows"] == []
    assert any(message in error for error in body["file_errors"]), body["file_errors"]
    assert counts(db) == before


def test_too_large_files_are_refused(app, monkeypatch):
    assert "larger than" in read_roster_file(b"x" * (roster_files.MAX_BYTES + 1)).errors[0]
    monkeypatch.setattr(roster_files, "MAX_XLSX_UNPACKED", 10)
    assert "unpacks to more than" in read_roster_file(xlsx_bytes(GOOD)).errors[0]


def test_the_request_limit_answers_413(client, head):
    school_class, headers = head
    response = upload(client, school_class, b"x" * (3 * 1024 * 1024), headers)
    assert response.status_code == 413


def test_only_the_head_teacher_imports_and_not_into_an_archived_class(client, make_class, make_user, db):
    grader, member = make_user(role="instructor"), make_user()
    school_class = make_class(graders=[grader], members=[member])
    for user in (grader, member):
        fresh = client.application.test_client()
        headers = api_login(fresh, user)
        response = upload(fresh, school_class, csv_bytes(GOOD), headers)
        assert response.status_code == 403, user
    school_class.status = "archived"
    db.session.commit()
    headers = api_login(client, school_class.head)
    response = upload(client, school_class, csv_bytes(GOOD), headers)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "class_archived"
    assert upload(client, school_class, csv_bytes(GOOD), headers, dry_run=True).status_code == 200


def test_missing_file_field_is_422(client, head):
    school_class, headers = head
    response = client.post(f"/api/v1/classes/{school_class.id}/roster/import", data={},
                           headers=headers, content_type="multipart/form-data")
    assert response.status_code == 422


# ---- the pages: preview, confirm, the sheet once ---------------------------------------------------

def token_in(page: str) -> str:
    match = re.search(r'<input[^>]*name="token"[^>]*>', page)
    assert match, "no confirm form"
    return re.search(r'value="([^"]+)"', match.group(0)).group(1)


def test_preview_then_confirm_shows_the_password_sheet_once(client, make_class, db):
    school_class = make_class()
    api_login(client, school_class.head)
    url = f"/classes/{school_class.id}/roster/import"
    csrf = csrf_from(client, url)
    preview = client.post(url, data={"csrf_token": csrf, "file": (io.BytesIO(csv_bytes(GOOD, CHINESE, bom=True)),
                                                                  "花名册.csv")},
                          content_type="multipart/form-data")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "New account" in page and "zhangsan" in page
    assert db.session.scalar(select(User).where(User.username == "zhangsan")) is None  # a preview writes nothing
    token = token_in(page)
    confirm_url = f"/classes/{school_class.id}/roster/import/confirm"
    done = client.post(confirm_url, data={"csrf_token": csrf, "token": token})
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    sheet = done.get_data(as_text=True)
    passwords = re.findall(r"<code>([a-z2-9]{4}(?:-[a-z2-9]{4}){3})</code>", sheet)
    assert len(passwords) == 2
    assert "data:text/csv;charset=utf-8;base64," in sheet  # the CSV download lives in this page only
    import base64
    data_uri = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', sheet).group(1)
    assert passwords[0] in base64.b64decode(data_uri).decode("utf-8-sig")
    # Confirming again imports nothing new and shows no password; no page shows them later.
    again = client.post(confirm_url, data={"csrf_token": csrf, "token": token}).get_data(as_text=True)
    assert not any(p in again for p in passwords) and "Already enrolled" not in again
    for path in (f"/classes/{school_class.id}/roster", f"/classes/{school_class.id}/roster.csv", url):
        assert not any(p in client.get(path).get_data(as_text=True) for p in passwords)
    assert db.session.scalar(select(func.count()).select_from(Membership)
                             .where(Membership.class_id == school_class.id)) == 3


def test_a_forged_or_foreign_confirm_token_imports_nothing(client, make_class, db):
    school_class, other = make_class(), make_class()
    api_login(client, school_class.head)
    url = f"/classes/{school_class.id}/roster/import"
    csrf = csrf_from(client, url)
    page = client.post(url, data={"csrf_token": csrf, "file": (io.BytesIO(csv_bytes(GOOD)), "r.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    token = token_in(page)
    before = counts(db)
    forged = client.post(f"/classes/{school_class.id}/roster/import/confirm",
                         data={"csrf_token": csrf, "token": token[:-3] + "AAA"})
    assert forged.status_code == 302 and counts(db) == before
    # The other class's head teacher cannot use this class's token for theirs.
    fresh = client.application.test_client()
    api_login(fresh, other.head)
    other_csrf = csrf_from(fresh, f"/classes/{other.id}/roster/import")
    foreign = fresh.post(f"/classes/{other.id}/roster/import/confirm", data={"csrf_token": other_csrf, "token": token})
    assert foreign.status_code == 302 and counts(db) == before


def test_the_page_preview_lists_errors_and_offers_no_confirm(client, make_class):
    school_class = make_class()
    api_login(client, school_class.head)
    url = f"/classes/{school_class.id}/roster/import"
    csrf = csrf_from(client, url)
    rows = [GOOD[0], ["", "Nobody", "", "", "", "", "", ""]]
    page = client.post(url, data={"csrf_token": csrf, "file": (io.BytesIO(csv_bytes(rows)), "r.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Missing field: username" in page and 'name="token"' not in page


# ---- the CLI and a large file ----------------------------------------------------------------------

def test_cli_dry_run_then_import_with_a_password_file(app, make_class, db, tmp_path):
    school_class = make_class(code="CLI-1")
    roster = tmp_path / "roster.csv"
    roster.write_bytes(csv_bytes(GOOD, CHINESE, encoding="gb18030"))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["classes", "import-roster", "CLI-1", str(roster), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "zhangsan" in dry.output and "new_account" in dry.output and "dry run" in dry.output
    assert db.session.scalar(select(User).where(User.username == "zhangsan")) is None
    sheet = tmp_path / "passwords.csv"
    done = runner.invoke(args=["classes", "import-roster", "CLI-1", str(roster), "--passwords", str(sheet)])
    assert done.exit_code == 0, done.output
    assert "imported 2 members" in done.output
    rows = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["username", "display_name", "student_no", "password"] and len(rows) == 3
    assert db.session.scalar(select(func.count()).select_from(Membership)
                             .where(Membership.class_id == school_class.id)) == 3


def test_cli_refuses_errors_and_unknown_classes(app, make_class, tmp_path):
    make_class(code="CLI-2")
    roster = tmp_path / "bad.csv"
    roster.write_bytes(csv_bytes([GOOD[0], GOOD[0]]))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["classes", "import-roster", "CLI-2", str(roster)])
    assert result.exit_code != 0 and "Duplicate in the file" in result.output
    assert runner.invoke(args=["classes", "import-roster", "NOPE", str(roster)]).exit_code != 0


def test_a_2000_row_file_imports_through_the_cli(app, make_class, db, tmp_path):
    school_class = make_class(code="BIG-1")
    rows = [[f"stu{n:05d}", f"学员{n}", f"2026{n:05d}", f"第{n % 12}党支部", "入党积极分子",
             f"stu{n}@example.edu.cn", f"138{n:08d}", ""] for n in range(2000)]
    roster = tmp_path / "big.csv"
    roster.write_bytes(csv_bytes(rows, CHINESE, bom=True))
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(
        args=["classes", "import-roster", "BIG-1", str(roster), "--passwords", str(tmp_path / "p.csv")])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output[-2000:]
    print(f"2,000-row roster import: {elapsed:.2f}s")  # reported, not asserted
    assert db.session.scalar(select(func.count()).select_from(Membership)
                             .where(Membership.class_id == school_class.id, Membership.role == "member")) == 2000
    assert db.session.scalar(select(func.count()).select_from(StageChange)) == 2000
    assert db.session.scalar(select(func.count()).select_from(User).where(User.must_change_password)) == 2000


def test_the_example_roster_in_docs_imports_cleanly(app, make_class):
    from learnhub.config import PROJECT_ROOT

    school_class = make_class(code="DOCS-1")
    result = app.test_cli_runner().invoke(
        args=["classes", "import-roster", "DOCS-1", str(PROJECT_ROOT / "docs" / "roster-example.csv"), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "4 new accounts, 0 enrolled, 0 already enrolled, 0 errors" in result.output
    assert school_class.code == "DOCS-1"


def test_a_preview_too_large_for_a_form_field_points_to_the_cli(client, make_class, monkeypatch):
    from learnhub.classes.roster import views as roster_views

    monkeypatch.setattr(roster_views, "MAX_CONFIRM_TOKEN", 10)
    school_class = make_class()
    api_login(client, school_class.head)
    url = f"/classes/{school_class.id}/roster/import"
    page = client.post(url, data={"csrf_token": csrf_from(client, url),
                                  "file": (io.BytesIO(csv_bytes(GOOD)), "r.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert 'name="token"' not in page and "import-roster" in page and "Correct the rows" not in page


# ---- review fixes: sheet size bombs, mixed encodings, stage dates out of range -----------------

def xlsx_with_dimension(last_row: int, dimension: str, rows=(["username", "display_name"], ["ann", "Ann"])) -> bytes:
    """A small workbook whose <dimension> claims `dimension`, with one cell in `last_row`.

    openpyxl's read-only mode trusts the dimension and pads every row (and every missing
    row) to its width: A1:XFD1048576 is 17 billion cells from a 5 kB file."""
    import zipfile
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    sheet.cell(row=last_row, column=1, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="%s"/>' % dimension.encode(), data)
                assert n == 1
            archive.writestr(info.filename, data)
    return out.getvalue()


def test_a_wide_dimension_is_not_trusted(app):
    data = xlsx_with_dimension(5000, "A1:XFD5000")  # 5,000 blank rows "16,384 columns wide"
    assert len(data) < 10_000
    import itertools
    widths = {len(row) for row in itertools.islice(roster_files._xlsx_rows(data), 20)}
    assert max(widths) <= 64, widths  # the rows are not padded to the claimed width
    parsed = read_roster_file(data, "r.xlsx")
    assert parsed.errors == []
    assert [(r.row, r.values["username"]) for r in parsed.rows] == [(2, "ann"), (5000, "x")]


@pytest.mark.parametrize("dimension", ["A1:B7000", "A1:XFD1048576"])
def test_a_sheet_longer_than_the_limit_is_refused_blank_rows_included(app, dimension):
    last = 7000 if dimension == "A1:B7000" else 1048576
    data = xlsx_with_dimension(last, dimension)
    assert len(data) < 10_000
    parsed = read_roster_file(data, "r.xlsx")
    assert parsed.rows == []
    assert len(parsed.errors) == 1 and "blank ones included" in parsed.errors[0], parsed.errors


def test_blank_csv_lines_count_against_the_limit(app):
    data = b"username,display_name\nann,Ann\n" + b"\n" * 10_000 + b"bob,Bob\n"
    parsed = read_roster_file(data, "r.csv")
    assert parsed.rows == [] and "blank ones included" in parsed.errors[0], parsed.errors


def test_a_sheet_wider_than_the_limit_is_refused(app):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["username", "display_name"])
    sheet.append(["ann", "Ann"])
    sheet.cell(row=2, column=51, value="far right")  # the first column past the 50
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = read_roster_file(buffer.getvalue(), "r.xlsx")
    assert parsed.rows == [] and "more than 50 columns" in parsed.errors[0], parsed.errors
    wide_csv = b"username,display_name\nann,Ann" + b"," * 60 + b"x\n"
    parsed = read_roster_file(wide_csv, "r.csv")
    assert parsed.rows == [] and "more than 50 columns" in parsed.errors[0], parsed.errors
    # Empty cells to the right (a trailing comma run, formatting) are fine.
    assert read_roster_file(b"username,display_name\nann,Ann" + b"," * 60 + b"\n").errors == []


def test_a_gbk_pair_in_a_utf8_file_is_reported_not_decoded_as_gb18030(app):
    good = "username,display_name,department\nzhang3,张三丰,马克思主义学院\nli4,李四,计算机学院\n".encode()
    mixed = good.replace("李四".encode(), "李四".encode("gbk"))
    parsed = read_roster_file(mixed, "r.csv")
    assert parsed.rows == []
    offset = good.index("李四".encode())
    assert len(parsed.errors) == 1 and "Row 3 " in parsed.errors[0] and f"byte {offset}" in parsed.errors[0], \
        parsed.errors
    # With a BOM the offset still counts from the file's first byte.
    parsed = read_roster_file(b"\xef\xbb\xbf" + mixed, "r.csv")
    assert "Row 3 " in parsed.errors[0] and f"byte {offset + 3}" in parsed.errors[0], parsed.errors
    # Two names, one of them pasted as GBK: GB18030 "decodes" the file, turning 张三 into 寮犱笁.
    small = "username,display_name\nzhang3,张三\nli4,李四\n".encode()
    small_mixed = small.replace("李四".encode(), "李四".encode("gbk"))
    parsed = read_roster_file(small_mixed, "r.csv")
    assert parsed.rows == [] and "Row 3 " in parsed.errors[0], [r.values for r in parsed.rows]
    # A whole GB18030 file still reads (and a UTF-8 one too).
    assert [r.values["display_name"] for r in read_roster_file(good.decode().encode("gb18030")).rows] == \
        ["张三丰", "李四"]
    assert [r.values["display_name"] for r in read_roster_file(good).rows] == ["张三丰", "李四"]


def test_a_stage_date_out_of_range_is_a_row_error(client, head, db):
    school_class, headers = head
    before = counts(db)
    header = ["username", "display_name", "stage", "stage_date"]
    for day in ("9999-06-01", "1900-01-01"):
        rows = [["newbie", "New Bie", "activist", "2025-09-01"], ["far", "Far Date", "activist", day]]
        response = upload(client, school_class, csv_bytes(rows, header), headers)
        assert response.status_code == 422, response.get_json()
        errors = [r for r in response.get_json()["rows"] if r["result"] == "error"]
        assert [r["row"] for r in errors] == [3]
        assert "not between 1921-01-01 and 2100-12-31" in errors[0]["message"], errors
        assert counts(db) == before
    assert client.get(f"/classes/{school_class.id}/roster").status_code == 200
