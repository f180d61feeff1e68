"""Issue 13, item 1: the per-attempt export (Questionnaire Star's "export to Excel" of one
answer sheet): the member in the header block, one row per question with the response and the
key in words, points, maximum and when the answer was saved; formulas stay text."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook


def _answers(attempt):
    q = {x["type"]: x for x in attempt["questions"]}
    beijing = next(o["id"] for o in q["single"]["options"] if "Beijing" in o["text_html"])
    return {"single": beijing, "short": '=HYPERLINK("http://evil.example","click")', "essay": "我的心得体会。"}


def _rows(response):
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_xlsx_has_the_member_and_every_response_in_words(review):
    attempt = review.sit(answers=_answers)
    response = review.client("head").get(f"/attempts/{attempt['id']}/export.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = _rows(response)
    assert rows[0][:4] == ("Name", "ann", "Student number", "2026001")
    assert rows[0][5] == "Keyed exam"
    header_at = next(i for i, row in enumerate(rows) if row[0] == "No.")
    assert rows[header_at][:5] == ("No.", "Question", "Response", "Right answer", "Points")
    questions = rows[header_at + 1:]
    assert [row[0] for row in questions] == [1, 2, 3, 4, 5, 6, 7]
    by_text = {row[1]: row for row in questions}
    single = by_text["Capital of China?"]
    assert single[2] == "Beijing" and single[3] == "Beijing" and single[4] == 1 and single[5] == 1
    assert single[6] == "Right" and single[7].startswith("2026-11-24 20:00")   # Beijing time
    short = by_text["Name the capital."]
    assert short[2] == "'=HYPERLINK(\"http://evil.example\",\"click\")"       # text, never a formula
    assert short[3] == "Beijing" and short[4] == 0 and short[6] == "Wrong"
    essay = by_text["Write a few words."]
    assert essay[2] == "我的心得体会。" and essay[4] is None and essay[5] == 2 and essay[6] == "Waiting for grading"
    unanswered = by_text["The sky is blue."]
    assert unanswered[2] is None and unanswered[7] is None and unanswered[3] == "True"
    matching = by_text["Match."]
    assert set(matching[3].split("; ")) == {"cat → meow", "dog → woof", "cow → moo"}  # in the order shown


def test_csv_is_the_same_table(review):
    attempt = review.sit(answers=_answers)
    response = review.client("grader").get(f"/attempts/{attempt['id']}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Name", "ann", "Student number", "2026001"]  # the same header block
    assert any(row[1:4] == ["Capital of China?", "Beijing", "Beijing"] for row in rows)


def test_chinese_headers_for_a_chinese_reader(review):
    attempt = review.sit(answers=_answers)
    response = review.client("head").get(f"/attempts/{attempt['id']}/export.xlsx",
                                         headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 200
    assert "filename*=UTF-8''2026001-ann-keyed-1.xlsx" in response.headers["Content-Disposition"]


def test_the_member_and_others_cannot_export(review):
    attempt = review.sit(answers=_answers)
    assert review.client("ann").get(f"/attempts/{attempt['id']}/export.xlsx").status_code == 403
    assert review.client("bob").get(f"/attempts/{attempt['id']}/export.csv").status_code == 404
    assert review.client("head").get(f"/attempts/{attempt['id']}/export.pdf").status_code == 404


def test_every_members_responses_to_the_exam_one_row_each(review):
    """Questionnaire Star's "download the answer data": a row per finished attempt, a column per question."""
    review.sit(answers=_answers)
    review.sit("bob")
    url = f"/classes/{review.school_class.id}/exams/{review.exam['id']}/responses.xlsx"
    response = review.client("grader").get(url)
    assert response.status_code == 200
    rows = _rows(response)
    header = rows[0]
    assert header[:4] == ("Student number", "Name", "Username", "Attempt")
    assert {"single", "multiple", "tf", "short", "numerical", "matching", "essay"} <= set(header)
    by_user = {row[2]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_user) == {"ann", "bob"}
    assert by_user["ann"]["Student number"] == "2026001" and by_user["bob"]["Student number"] is None
    assert by_user["ann"]["single"] == "Beijing" and by_user["bob"]["single"] == "Beijing"
    assert by_user["ann"]["short"].startswith("'=HYPERLINK")      # text, never a formula
    assert by_user["ann"]["essay"] == "我的心得体会。" and by_user["ann"]["tf"] is None
    assert by_user["bob"]["tf"] == "True" and by_user["bob"]["Percent"] is not None
    # Staff of the class only.
    assert review.client("ann").get(url).status_code == 403
    assert review.client("otherhead").get(url.replace(".xlsx", ".csv")).status_code == 404
    csv_rows = review.client("head").get(url.replace(".xlsx", ".csv"))
    assert csv_rows.status_code == 200 and "Beijing" in csv_rows.data.decode("utf-8-sig")


def test_the_exam_table_costs_the_same_queries_for_more_members(review, count_queries):
    from learnhub.classes.exams.models import ClassExam
    from learnhub.extensions import db
    from learnhub.grading.attempt_review.responses import exam_responses

    review.sit(answers=_answers)
    school_class, exam = review.school_class, db.session.get(ClassExam, review.exam["id"])
    assert school_class.id and exam.quiz_id and exam.created_at  # loaded before counting
    with count_queries() as one:
        exam_responses(school_class, exam, str)
    review.sit("bob")
    school_class, exam = review.school_class, db.session.get(ClassExam, review.exam["id"])
    assert school_class.id and exam.quiz_id and exam.created_at  # loaded before counting
    with count_queries() as two:
        table = exam_responses(school_class, exam, str)
    assert len(table.rows) == 2 and len(two) == len(one) <= 4
