"""exam_results: each member's status, the attempt that counts by each grading method, resets
and attempts under another exam, filters, the query count; the page and the API with their
permissions both ways."""
from __future__ import annotations

import pytest

from learnhub.grading.results.services import exam_results, filter_rows
from tests.support.factories import enrol
from tests.support.grading_results import T, attempt, exam_of, number, page_url, results_url
from tests.support.web import api_client, login


@pytest.fixture
def setup(school, db, make_user):
    """The school's class with four members: member1, member2, and two more."""
    extra = [make_user(f"member{i}") for i in (3, 4)]
    for user in extra:
        enrol(school.school_class, user)
    db.session.commit()
    school.members += extra
    return school, exam_of(school.school_class)


def by_name(rows):
    return {r.username: r for r in rows}


def test_statuses_for_each_kind_of_member(setup):
    school, exam = setup
    m1, m2, m3, m4 = school.members
    attempt(m1, exam, 80, minutes=12)
    attempt(m2, exam, None, state="in_progress")
    attempt(m3, exam, 40, state="needs_grading")
    rows = by_name(exam_results(school.school_class, exam, T))
    assert rows["member1"].status == "submitted" and rows["member1"].percent == 80
    assert rows["member1"].passed is True and rows["member1"].seconds == 12 * 60
    assert rows["member1"].score == 8 and rows["member1"].max_score == 10 and rows["member1"].attempts == 1
    assert rows["member2"].status == "in_progress" and rows["member2"].percent is None
    assert rows["member3"].status == "needs_grading" and rows["member3"].passed is None
    assert rows["member4"].status == "not_started" and rows["member4"].attempt_id is None
    assert rows["member4"].attempts == 0
    assert "grader" not in rows and school.head.username not in rows  # members only


def test_graded_status_and_failed_filter(setup):
    school, exam = setup
    m1, m2, m3, _m4 = school.members
    attempt(m1, exam, 30, state="graded")
    attempt(m2, exam, 90, state="graded")
    attempt(m3, exam, 20, state="needs_grading")
    rows = exam_results(school.school_class, exam, T)
    assert by_name(rows)["member1"].status == "graded" and by_name(rows)["member1"].passed is False
    assert [r.username for r in filter_rows(rows, "failed")] == ["member1"]  # pending is not a fail
    assert [r.username for r in filter_rows(rows, "needs_grading")] == ["member3"]
    assert [r.username for r in filter_rows(rows, "not_started")] == ["member4"]
    assert len(filter_rows(rows, "all")) == 4


@pytest.mark.parametrize("method, index, percent", [("highest", 1, 90), ("first", 0, 70), ("last", 2, 50)])
def test_grading_methods_choose_the_counting_attempt(setup, method, index, percent):
    school, exam = setup
    member = school.members[0]
    made = [attempt(member, exam, p, minutes=m, method=method) for p, m in ((70, 20), (90, 30), (50, 10))]
    row = by_name(exam_results(school.school_class, exam, T))["member1"]
    assert (row.attempt_id, row.percent, row.attempts) == (made[index].id, percent, 3)
    assert row.seconds == [20, 30, 10][index] * 60 and row.submitted_at == made[index].submitted_at


def test_average_points_to_the_last_attempt(setup):
    school, exam = setup
    member = school.members[0]
    made = [attempt(member, exam, p, method="average") for p in (70, 90, 50)]
    row = by_name(exam_results(school.school_class, exam, T))["member1"]
    assert row.attempt_id == made[-1].id and row.percent == 70.0 and row.score == 7.0 and row.passed is True


def test_reset_attempts_and_other_exams_do_not_count(setup, make_class, db):
    school, exam = setup
    member = school.members[0]
    attempt(member, exam, 95, reset=True)
    other = exam_of(make_class(members=[member]))
    attempt(member, other, 99)
    row = by_name(exam_results(school.school_class, exam, T))["member1"]
    assert row.status == "not_started" and row.attempts == 0 and row.percent is None


def test_sorted_by_student_number_in_two_queries(setup, count_queries):
    school, exam = setup
    m1, m2, m3, m4 = school.members
    number(school.school_class, m3, "2026001")
    number(school.school_class, m1, "2026002")
    for member in school.members:
        attempt(member, exam, 75)
        attempt(member, exam, 65)
    assert school.school_class.id and exam.created_at  # committed objects reload outside the count
    with count_queries() as statements:
        rows = exam_results(school.school_class, exam, T)
    assert len(statements) == 2
    assert [r.username for r in rows] == ["member3", "member1", "member2", "member4"]
    assert rows[0].student_no == "2026001"


def test_the_api_list_is_fixed_statements_and_no_orm_object_per_member(setup, app, make_user, db, count_queries):
    """The head teacher's list: as many statements for 4 members as for 40, and only the exam
    and its class are loaded as objects (to authorise), never a member or an attempt."""
    from tests.support.orm_loads import orm_loads

    school, exam = setup
    head = api_client(app, school.head)
    seen = []
    for first, more in ((0, 0), (0, 36)):
        for i in range(first, first + more):
            user = make_user(f"extra{i}")
            enrol(school.school_class, user)
            attempt(user, exam, 50 + i % 40)
            attempt(user, exam, 40, state="needs_grading" if i % 2 else "submitted")
        db.session.commit()
        with count_queries() as statements, orm_loads() as loaded:
            response = head.get(results_url(exam) + "?limit=100")
        assert response.status_code == 200 and len(response.get_json()["items"]) == 4 + more
        seen.append((len(statements), sorted(loaded)))
    assert seen[0] == seen[1], seen
    assert seen[1][1] == ["ClassExam", "SchoolClass"], seen


def test_the_page_lists_filters_and_links_attempts(setup, client):
    school, exam = setup
    made = attempt(school.members[0], exam, 30)
    attempt(school.members[1], exam, 20, state="needs_grading")
    login(client, school.grader.username)  # a grader of the class sees the results
    html = client.get(page_url(exam)).get_data(as_text=True)
    assert f'/attempts/{made.id}"' in html and "member4" in html
    failed = client.get(page_url(exam) + "?filter=failed").get_data(as_text=True)
    assert "member1" in failed and "member4" not in failed and "member2" not in failed
    waiting = client.get(page_url(exam) + "?filter=needs_grading").get_data(as_text=True)
    assert "member2" in waiting and "member1" not in waiting
    # An unknown filter shows everyone (a typed URL), never an error.
    assert client.get(page_url(exam) + "?filter=%3Cx%3E").status_code == 200
    # A grader sees no release button (the head teacher releases).
    assert "/results/release" not in html


def test_the_exam_pages_link_the_results(setup, client):
    school, exam = setup
    link = page_url(exam)
    login(client, school.head.username)
    assert link in client.get(f"/classes/{exam.class_id}/exams/{exam.id}").get_data(as_text=True)
    assert link in client.get(f"/classes/{exam.class_id}/exams").get_data(as_text=True)
    grader = api_client(client.application, school.grader)
    assert link in grader.get(f"/classes/{exam.class_id}/exams").get_data(as_text=True)


def test_api_items_and_filter(setup, app):
    school, exam = setup
    made = attempt(school.members[0], exam, 80, minutes=5)
    client = api_client(app, school.head)
    body = client.get(results_url(exam)).get_json()
    assert body["next"] is None and len(body["items"]) == 4
    first = next(i for i in body["items"] if i["username"] == "member1")
    assert first == {**first, "status": "submitted", "score": 8.0, "percent": 80.0, "passed": True,
                     "seconds": 300, "attempts": 1, "attempt": made.id, "student_no": None,
                     "url": f"/attempts/{made.id}"}
    page = client.get(results_url(exam) + "?filter=not_started&limit=2").get_json()
    assert [i["username"] for i in page["items"]] == ["member2", "member3"] and page["next"]
    rest = client.get(results_url(exam) + f"?filter=not_started&limit=2&cursor={page['next']}").get_json()
    assert [i["username"] for i in rest["items"]] == ["member4"] and rest["next"] is None
    assert client.get(results_url(exam) + "?filter=bogus").status_code in (400, 422)


def test_members_and_staff_of_other_classes_may_not_see_results(setup, app, make_class, make_user):
    school, exam = setup
    other_head = make_user("otherhead", role="staff")
    other_grader = make_user("othergrader", role="instructor")
    make_class(head=other_head, graders=[other_grader])
    assert api_client(app, school.members[0]).get(results_url(exam)).status_code == 403
    for user in (other_head, other_grader):
        client = api_client(app, user)
        assert client.get(results_url(exam)).status_code == 404
        assert client.get(results_url(exam) + ".xlsx").status_code == 404
        assert client.get(page_url(exam)).status_code == 404
    member = api_client(app, school.members[0])
    assert member.get(page_url(exam)).status_code == 403
    assert member.get(page_url(exam) + ".csv").status_code == 403
    # An exam of another class under this class's id: 404.
    foreign = exam_of(make_class(head=other_head))
    assert api_client(app, school.head).get(
        f"/api/v1/classes/{exam.class_id}/exams/{foreign.id}/results").status_code == 404
