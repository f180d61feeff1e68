"""The gradebook's CSV and XLSX (page and API): the contents opened with openpyxl, a formula
in a name stays text, Chinese headers for a Chinese user."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.support.grading_gradebook import attempt, hand_in, schedule, set_assignment
from tests.support.web import api_client, login

INJECTION = "=cmd|' /C calc'!A0"


@pytest.fixture
def book(school, db):
    exam, = schedule(school.school_class)
    ann, bob = school.members
    ann.display_name = INJECTION
    db.session.commit()
    attempt(ann, exam, 90, minutes=5)
    attempt(bob, exam, 30, state="needs_grading")
    essay = set_assignment(school.school_class, "心得体会", 20)
    hand_in(ann, school.school_class, essay, points=18)
    hand_in(bob, school.school_class, essay)
    return school, exam


def sheet_of(response):
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return list(load_workbook(io.BytesIO(response.data)).active.iter_rows())


def test_xlsx_contents(app, book):
    school, exam = book
    client = app.test_client()
    login(client, school.grader.username)
    rows = sheet_of(client.get(f"/classes/{school.school_class.id}/gradebook.xlsx"))
    header = [c.value for c in rows[0]]
    assert header[:4] == ["Rank", "Student number", "Name", "Username"]
    assert header[4].endswith(": score") and header[7].endswith(": time (seconds)")
    assert header[-3:] == ["心得体会: points", "Total of exam percents", "Total time (seconds)"]
    first, second = ([c.value for c in row] for row in rows[1:])
    ann, bob = school.members
    assert first[:4] == [1, None, "'" + INJECTION, ann.username]
    assert first[4:8] == [9, 90, "Passed", 300]
    assert first[8:] == [18, 90, 300]
    assert rows[1][2].data_type == "s"  # text, not a formula
    assert second[:4] == [None, None, bob.display_name, bob.username]
    assert second[4:8] == [None, None, "Awaiting grading", None]
    assert second[8] == "Awaiting grading"


def test_exam_columns_are_named_by_the_exam(app, book):
    school, _exam = book
    client = app.test_client()
    login(client, school.head.username)
    header = [c.value for c in sheet_of(client.get(f"/classes/{school.school_class.id}/gradebook.xlsx"))[0]]
    title = header[4].rsplit(": ", 1)[0]
    assert header[4:8] == [f"{title}: score", f"{title}: percent", f"{title}: result", f"{title}: time (seconds)"]


def test_csv_through_the_api_in_chinese(app, book):
    school, _exam = book
    client = api_client(app, school.head)
    response = client.get(f"/api/v1/classes/{school.school_class.id}/gradebook.csv",
                          headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert lines[0][1] == "学号" and lines[0][2] == "姓名"
    assert lines[1][2] == "'" + INJECTION


def test_api_xlsx_and_refusals(app, book, make_user, make_class):
    school, _exam = book
    url = f"/api/v1/classes/{school.school_class.id}/gradebook.xlsx"
    assert len(sheet_of(api_client(app, school.grader).get(url))) == 3
    assert app.test_client().get(url).status_code == 401
    assert api_client(app, school.members[0]).get(url).status_code == 403
    outsider = make_user("otherhead", role="staff")
    make_class(head=outsider)
    assert api_client(app, outsider).get(url).status_code == 404
