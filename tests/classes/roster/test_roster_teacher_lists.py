"""Rosters as head teachers keep them: 姓名, 学号, 手机 and no username column (usernames made
from the student numbers), messages that name columns as the file does, dates as Excel
writes them, the import template (CSV and XLSX, in the user's language), the preview with
error rows first, and the password slips."""
from __future__ import annotations

import csv
import io
import re
from collections import Counter

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from learnhub.auth.models import User
from learnhub.classes.models import Membership
from tests.support.roster_files import upload, xlsx_bytes
from tests.support.web import api_login, csrf_from, login

TEACHER_HEADER = ["姓名", "学号", "手机"]


def csv_bytes(header, rows, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def page_upload(client, school_class, data: bytes, name="roster.csv"):
    url = f"/classes/{school_class.id}/roster/import"
    return client.post(url, data={"csrf_token": csrf_from(client, url), "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


@pytest.fixture
def head(client, make_class):
    school_class = make_class()
    return school_class, api_login(client, school_class.head)


# ---- no username column --------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["gb18030-csv", "xlsx"])
def test_a_list_with_name_number_and_phone_imports_with_usernames_from_the_numbers(client, head, db, kind):
    school_class, headers = head
    rows = [["张三", "2025001", "13800000001"], ["李四", "S2025002", "13800000002"]]
    if kind == "xlsx":
        data, name = xlsx_bytes(TEACHER_HEADER, [["张三", 2025001, 13800000001], rows[1]]), "花名册.xlsx"
    else:
        data, name = csv_bytes(TEACHER_HEADER, rows, "gb18030"), "花名册.csv"
    response = upload(client, school_class, data, headers, name)
    assert response.status_code == 200, response.get_json()
    assert [(r["row"], r["username"], r["result"]) for r in response.get_json()["rows"]] == [
        (2, "2025001", "new_account"), (3, "s2025002", "new_account")]
    zhang = db.session.scalar(select(User).where(User.username == "2025001"))
    assert zhang.display_name == "张三" and zhang.must_change_password
    membership = db.session.scalar(select(Membership).where(Membership.user_id == zhang.id))
    assert (membership.student_no, membership.phone) == ("2025001", "13800000001")
    # The same list again: everyone is already there, nothing new.
    again = upload(client, school_class, data, headers, name, dry_run=True)
    assert [r["result"] for r in again.get_json()["rows"]] == ["already_enrolled"] * 2


def test_a_made_username_is_the_same_person_only_with_that_number_on_record(client, head, make_user,
                                                                             make_class, db):
    school_class, headers = head
    make_user("2025001")  # someone else's account that happens to have this username
    known = make_user("2025002")
    other = make_class(members=[known])
    db.session.execute(Membership.__table__.update().where(Membership.class_id == other.id,
                                                           Membership.user_id == known.id)
                       .values(student_no="2025002"))
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(Membership))
    response = upload(client, school_class, csv_bytes(TEACHER_HEADER, [
        ["张三", "2025001", ""], ["李四", "2025002", ""], ["王五", "2025003", ""]]), headers)
    assert response.status_code == 422
    rows = response.get_json()["rows"]
    assert [r["result"] for r in rows] == ["error", "enrolled", "new_account"]
    assert "2025001" in rows[0]["message"] and "学号" in rows[0]["message"] and "用户名" in rows[0]["message"]
    assert db.session.scalar(select(func.count()).select_from(Membership)) == before


@pytest.mark.parametrize("header, row, column_words", [
    (TEACHER_HEADER, ["张三", "2025 001", ""], ["学号", "用户名"]),       # not a valid username
    (TEACHER_HEADER, ["张三", "", ""], ["Missing field: 学号"]),
    (TEACHER_HEADER, ["", "2025009", ""], ["Missing field: 姓名"]),
    (TEACHER_HEADER, ["张三", "2025001", ""], ["the same 学号 as row 2"]),
    (["Name", "Student number", "Stage", "Stage date"], ["Ann", "2025009", "activist", "1.9.2025"],
     ["Bad Stage date"]),
    (["姓名", "学号", "阶段日期"], ["张三", "2025009", "2025-09-01"], ["阶段日期", "阶段"]),
    (["姓名", "用户名", "学号"], ["张三", "zhang", "X" * 40], ["学号", "32"]),
])
def test_messages_name_columns_as_the_file_does(client, head, header, row, column_words):
    school_class, headers = head
    first = {"姓名": "赵一", "学号": "2025001", "手机": "", "用户名": "zhaoyi", "阶段日期": "",
             "Name": "Zed", "Student number": "2025001", "Stage": "", "Stage date": ""}
    response = upload(client, school_class, csv_bytes(header, [[first[h] for h in header], row]), headers)
    assert response.status_code == 422, response.get_json()
    errors = [r for r in response.get_json()["rows"] if r["result"] == "error"]
    assert [r["row"] for r in errors] == [3], errors
    for words in column_words:
        assert words in errors[0]["message"], errors[0]["message"]
    assert "student_no" not in errors[0]["message"] and "display_name" not in errors[0]["message"]


def test_a_file_without_number_or_username_column_names_both(client, head):
    school_class, headers = head
    response = upload(client, school_class, csv_bytes(["姓名", "手机"], [["张三", "13800000001"]]), headers)
    assert response.status_code == 422
    errors = response.get_json()["file_errors"]
    assert len(errors) == 1 and "学号" in errors[0] and "用户名" in errors[0], errors


@pytest.mark.parametrize("written", ["2025/9/1", "2025-09-01", "2025.9.1", "2025年9月1日", "2025/9/1 0:00"])
def test_stage_dates_as_people_and_excel_write_them(client, head, db, written):
    school_class, headers = head
    response = upload(client, school_class, csv_bytes(["姓名", "学号", "阶段", "阶段日期"],
                                                      [["张三", "2025001", "入党积极分子", written]]), headers)
    assert response.status_code == 200, response.get_json()
    stage_date = db.session.scalar(select(Membership.stage_date).join(User, User.id == Membership.user_id)
                                   .where(User.username == "2025001"))
    assert stage_date.isoformat() == "2025-09-01"


# ---- the template --------------------------------------------------------------------------------

def template(client, school_class, kind: str, language: str):
    return client.get(f"/api/v1/classes/{school_class.id}/roster/template.{kind}",
                      headers={"Accept-Language": language})


def template_rows(response, kind: str) -> list[list[str]]:
    if kind == "csv":
        return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    return [["" if v is None else (v.date().isoformat() if hasattr(v, "date") else str(v)) for v in row]
            for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_template_has_headers_in_the_users_language_one_example_and_imports(client, head, kind):
    school_class, headers = head
    chinese = template(client, school_class, kind, "zh-CN,zh;q=0.9")
    assert chinese.status_code == 200 and "attachment" in chinese.headers["Content-Disposition"]
    rows = template_rows(chinese, kind)
    assert len(rows) == 2 and rows[0][:3] == ["姓名", "学号", "手机"] and "用户名" in rows[0]
    assert rows[1][:3] == ["张三", "2025001", "13800000000"] and "2025-09-01" in rows[1]
    english = template_rows(template(client, school_class, kind, "en"), kind)
    assert english[0][:3] == ["Name", "Student number", "Phone"] and len(english) == 2
    # Both read back as they are: one new account named after the example's student number.
    for data in (chinese.get_data(), template(client, school_class, kind, "en").get_data()):
        response = upload(client, school_class, data, headers, f"template.{kind}", dry_run=True)
        assert response.status_code == 200, response.get_json()
        assert [(r["username"], r["result"]) for r in response.get_json()["rows"]] == [("2025001", "new_account")]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_only_the_head_teacher_downloads_the_template(client, make_class, make_user, kind):
    grader, member, outsider = make_user(role="instructor"), make_user(), make_user()
    school_class = make_class(graders=[grader], members=[member])
    for user, status in ((grader, 403), (member, 403), (outsider, 404), (school_class.head, 200)):
        fresh = client.application.test_client()
        api_login(fresh, user)
        assert template(fresh, school_class, kind, "en").status_code == status, user.username
    anonymous = client.application.test_client()
    assert template(anonymous, school_class, kind, "en").status_code == 401


# ---- the import page -----------------------------------------------------------------------------

def ids_in(page: str) -> Counter:
    return Counter(re.findall(r'\sid="([^"]+)"', page))


def test_the_import_page_loads_roster_css_links_the_templates_and_has_unique_ids(client, head):
    school_class, _headers = head
    page = client.get(f"/classes/{school_class.id}/roster/import").get_data(as_text=True)
    assert "css/roster.css" in page
    assert f"/api/v1/classes/{school_class.id}/roster/template.xlsx" in page
    assert f"/api/v1/classes/{school_class.id}/roster/template.csv" in page
    good = csv_bytes(TEACHER_HEADER, [["张三", "2025001", ""]])
    preview = page_upload(client, school_class, good).get_data(as_text=True)
    assert 'name="token"' in preview and 'name="csrf_token"' in preview
    repeated = {name: n for name, n in ids_in(preview).items() if n > 1}
    assert repeated == {}, repeated  # the heading and the button were both id="preview"


def test_the_preview_lists_error_rows_first_with_a_count(client, head):
    school_class, _headers = head
    rows = [["张三", "2025001", ""], ["李四", "2025002", ""], ["", "2025003", ""], ["王五", "2025001", ""],
            ["赵六", "2025005", ""]]
    response = page_upload(client, school_class, csv_bytes(TEACHER_HEADER, rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="token"' not in page
    assert "2 rows have errors" in page
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    rows_shown = re.findall(r"<tr( class=\"roster-error\")?>\s*<td>(\d+)</td>", body)
    assert [(bool(error), int(number)) for error, number in rows_shown] == [
        (True, 4), (True, 5), (False, 2), (False, 3), (False, 6)]
    assert "Missing field: 姓名" in body and "the same 学号 as row 2" in body


def test_a_file_error_is_an_error_of_the_file_field(client, head):
    school_class, _headers = head
    page = page_upload(client, school_class, csv_bytes(["姓名", "手机"], [["张三", ""]])).get_data(as_text=True)
    assert 'aria-invalid="true"' in page and 'class="field-error"' in page and "学号" in page
    assert "preview-heading" not in page  # no preview of a file that cannot be read


# ---- the password slips --------------------------------------------------------------------------

def test_the_password_sheet_is_one_slip_per_new_member_with_the_login_address(client, head, make_user, make_class,
                                                                             db):
    school_class, _headers = head
    known = make_user("2025003")
    other = make_class(members=[known])
    db.session.execute(Membership.__table__.update().where(Membership.class_id == other.id,
                                                           Membership.user_id == known.id)
                       .values(student_no="2025003"))
    db.session.commit()
    rows = [["张三", "2025001", ""], ["李四", "2025002", ""], ["王五", "2025003", ""]]
    preview = page_upload(client, school_class, csv_bytes(TEACHER_HEADER, rows)).get_data(as_text=True)
    token = re.search(r'name="token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="token"', preview)
    token = token.group(1) or token.group(2)
    url = f"/classes/{school_class.id}/roster/import"
    done = client.post(f"{url}/confirm", data={"csrf_token": csrf_from(client, url), "token": token})
    sheet = done.get_data(as_text=True)
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    slips = re.findall(r'<li class="slip">(.*?)</li>', sheet, re.S)
    assert len(slips) == 2  # new accounts only: 王五 already had an account
    for slip, (name, number) in zip(slips, [("张三", "2025001"), ("李四", "2025002")], strict=True):
        assert name in slip and number in slip
        assert "http://localhost/login" in slip  # absolute: it is read on paper
        assert re.search(r'class="slip-username">' + number + "<", slip)
        password = re.search(r"<code>([^<]+)</code>", slip).group(1)
        fresh = client.application.test_client()
        assert login(fresh, number, password).status_code == 302
    assert "<table" not in sheet
    assert "css/roster.css" in sheet


def test_the_slips_print_with_dashed_borders_several_per_page(app):
    from learnhub.config import PROJECT_ROOT

    css = (PROJECT_ROOT / "learnhub" / "static" / "css" / "roster.css").read_text(encoding="utf-8")
    print_rules = css[css.index("@media print"):]
    assert "dashed" in print_rules and "grid-template-columns: 1fr 1fr" in print_rules
    assert re.search(r"\.slip \{[^}]*break-inside: avoid", css)
