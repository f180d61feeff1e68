"""The results downloads, opened as a spreadsheet would: 学号 first, Chinese headers for a
Chinese reader, a frozen bold header, widths, a name that looks like a formula kept as text."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from tests.support.grading_results import attempt, exam_of, number, page_url, results_url
from tests.support.web import api_client


@pytest.fixture
def setup(school, db):
    exam = exam_of(school.school_class)
    member1, member2 = school.members
    member1.display_name = "=1+1"  # a spreadsheet would run it
    member2.display_name = "张三"
    db.session.commit()
    number(school.school_class, member2, "2026001")
    attempt(member1, exam, 80, minutes=12)
    return school, exam


def workbook(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return openpyxl.load_workbook(io.BytesIO(response.data)).active


def test_xlsx_in_chinese(setup, app):
    school, exam = setup
    client = api_client(app, school.head)
    response = client.get(page_url(exam) + ".xlsx", headers={"Accept-Language": "zh-CN"})
    sheet = workbook(response)
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("学号", "姓名", "用户名")
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert sheet.column_dimensions["A"].width >= 10
    assert rows[1][:3] == ("2026001", "张三", "member2")  # by student number, members without one last
    formula = rows[2]
    assert formula[1] == "'=1+1" and sheet.cell(row=3, column=2).data_type == "s"
    assert formula[4] == 8 and formula[6] == 80 and formula[8] == 720 and formula[9] == 1
    assert ".xlsx" in response.headers["Content-Disposition"]


def test_csv_from_the_api_in_english(setup, app):
    school, exam = setup
    client = api_client(app, school.grader)
    response = client.get(results_url(exam) + ".csv", headers={"Accept-Language": "en"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][0] == "Student number" and rows[0][3] == "Status"
    assert rows[2][1] == "'=1+1" and rows[2][3] == "Submitted" and rows[2][7] == "Yes"
    assert rows[1][3] == "Not started"
    assert client.get(results_url(exam) + ".xlsx").status_code == 200


def test_unknown_download_kind_is_404(setup, app):
    school, exam = setup
    assert api_client(app, school.head).get(page_url(exam) + ".pdf").status_code == 404
