"""Results release: immediately, at a time (before and after), by hand; the hold while answers
wait for grading and the forced release; what members see meanwhile (page and API); the
result_released notices, once; who may release; bad input changing nothing."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learnhub.classes.exams.models import ClassExam
from learnhub.core.notifications import Notification
from learnhub.grading.results.services import results_visible
from tests.support.grading_results import attempt, exam_of, finish_grading
from tests.support.web import api_client


def exam_row(db, exam) -> ClassExam:
    db.session.expire_all()  # committed by the clients' requests
    return db.session.get(ClassExam, exam.id)


def notices(db, user=None) -> list[Notification]:
    query = select(Notification).where(Notification.kind == "result_released")
    if user is not None:
        query = query.where(Notification.user_id == user.id)
    return list(db.session.scalars(query))


def release_url(exam) -> str:
    return f"/api/v1/classes/{exam.class_id}/exams/{exam.id}/results/release"


def seen_by_member(app, user, row) -> dict:
    body = api_client(app, user).get(f"/api/v1/attempts/{row.id}").get_json()
    assert body["id"] == row.id
    return body


@pytest.fixture
def member(school):
    return school.members[0]


def test_immediately_shows_each_result_once_graded(school, app, db, clock, member):
    exam = exam_of(school.school_class)
    done = attempt(member, exam, 80)
    waiting = attempt(school.members[1], exam, 40, state="needs_grading")
    assert results_visible(done, clock.now) and not results_visible(waiting, clock.now)
    assert seen_by_member(app, member, done)["percent"] == 80
    held = seen_by_member(app, school.members[1], waiting)
    assert held["awaiting_results"] is True and "percent" not in held and "score" not in held
    assert notices(db) == []  # an auto-graded result shows at once: no notice
    finish_grading(waiting, 70)
    finish_grading(waiting, 70)  # graded again (an override): still one notice
    sent = notices(db, school.members[1])
    assert len(sent) == 1 and sent[0].url == f"/attempts/{waiting.id}"
    assert seen_by_member(app, school.members[1], waiting)["percent"] == 70


def test_at_a_time_before_and_after(school, app, db, clock, member):
    exam = exam_of(school.school_class, "at", clock.now + timedelta(hours=1))
    done = attempt(member, exam, 80)
    assert not results_visible(done, clock.now)
    before = seen_by_member(app, member, done)
    assert before["awaiting_results"] is True and "passed" not in before
    assert all("correct" not in q for q in before["questions"])
    clock.advance(hours=2)
    assert results_visible(done, clock.now)  # lazily, without the command
    assert seen_by_member(app, member, done)["passed"] is True


def test_at_waits_for_grading_and_the_command_notifies_once(school, app, db, clock, member):
    exam = exam_of(school.school_class, "at", clock.now + timedelta(hours=1))
    done = attempt(member, exam, 80)
    waiting = attempt(school.members[1], exam, 40, state="needs_grading")
    clock.advance(hours=2)
    assert not results_visible(done, clock.now)  # the other member's essay holds the exam back
    runner = app.test_cli_runner()
    assert "0 exam(s) released" in runner.invoke(args=["grading", "release-due"]).output
    assert notices(db) == [] and exam_row(db, exam).released_at is None
    finish_grading(waiting, 75)
    assert notices(db) == []  # the command tells the whole exam
    assert results_visible(done, clock.now)
    assert "1 exam(s) released" in runner.invoke(args=["grading", "release-due"]).output
    assert "0 exam(s) released" in runner.invoke(args=["grading", "release-due"]).output
    assert sorted(n.user_id for n in notices(db)) == sorted([member.id, school.members[1].id])
    assert exam_row(db, exam).released_at == clock.now


def test_manual_release_holds_then_notifies(school, app, db, clock, member):
    exam = exam_of(school.school_class, "manual")
    done = attempt(member, exam, 80)
    clock.advance(days=3)
    assert seen_by_member(app, member, done)["awaiting_results"] is True
    grader = api_client(app, school.grader)
    assert grader.api("POST", release_url(exam), {}).status_code == 403  # graders do not release
    assert api_client(app, member).api("POST", release_url(exam), {}).status_code == 403
    head = api_client(app, school.head)
    response = head.api("POST", release_url(exam), {})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["released"] is True and response.get_json()["changed"] is True
    assert seen_by_member(app, member, done)["percent"] == 80
    assert [n.user_id for n in notices(db)] == [member.id]
    again = head.api("POST", release_url(exam), {})
    assert again.status_code == 200 and again.get_json()["changed"] is False
    assert len(notices(db)) == 1


def test_release_refused_while_grading_pending_unless_forced(school, app, db, clock, member):
    exam = exam_of(school.school_class, "manual")
    done = attempt(member, exam, 80)
    waiting = attempt(school.members[1], exam, 40, state="needs_grading")
    head = api_client(app, school.head)
    refused = head.api("POST", release_url(exam), {})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "grading_pending"
    assert exam_row(db, exam).released_at is None and notices(db) == []
    assert head.api("POST", release_url(exam), {"force": "yes please"}).status_code == 422
    assert head.api("POST", release_url(exam), ["force"]).status_code in (400, 422)
    assert exam_row(db, exam).released_at is None
    forced = head.api("POST", release_url(exam), {"force": True})
    assert forced.status_code == 200
    assert seen_by_member(app, member, done)["percent"] == 80
    assert seen_by_member(app, school.members[1], waiting)["awaiting_results"] is True
    assert [n.user_id for n in notices(db)] == [member.id]
    finish_grading(waiting, 90)
    assert len(notices(db, school.members[1])) == 1
    assert seen_by_member(app, school.members[1], waiting)["percent"] == 90


def test_staff_always_see_scores(school, app, member):
    exam = exam_of(school.school_class, "manual")
    done = attempt(member, exam, 80)
    for user in (school.head, school.grader):
        body = api_client(app, user).get(f"/api/v1/attempts/{done.id}").get_json()
        assert body["percent"] == 80 and not body.get("awaiting_results")


def test_member_pages_say_awaiting_results(school, app, db, member):
    from learnhub.courses.index import content_index
    from learnhub.quizzes.models import Quiz

    exam = exam_of(school.school_class, "manual")
    done = attempt(member, exam, 87.5)
    client = api_client(app, member)
    page = client.get(f"/attempts/{done.id}").get_data(as_text=True)
    assert "awaiting" in page and "87.5" not in page and "Passed" not in page
    mine = client.get("/my/attempts").get_data(as_text=True)
    assert "awaiting results" in mine and "87.5" not in mine
    quiz = db.session.get(Quiz, exam.quiz_id)
    course = content_index().course_by_id(quiz.course_id)
    intro = client.get(f"/courses/{course.slug}/quizzes/{quiz.slug}")
    assert intro.status_code == 200 and "87.5" not in intro.get_data(as_text=True)  # no grade yet
    api = client.get(f"/api/v1/courses/{course.slug}/quizzes/{quiz.slug}").get_json()
    assert api["grade_percent"] is None
    api_client(app, school.head).api("POST", release_url(exam), {})
    assert "87.5" in client.get(f"/attempts/{done.id}").get_data(as_text=True)
    assert "87.5" in client.get("/my/attempts").get_data(as_text=True)
    assert client.get(f"/api/v1/courses/{course.slug}/quizzes/{quiz.slug}").get_json()["grade_percent"] == 87.5


def test_release_button_on_the_page(school, app, db, member):
    exam = exam_of(school.school_class, "manual")
    attempt(member, exam, 80)
    waiting = attempt(school.members[1], exam, 40, state="needs_grading")
    head = api_client(app, school.head)
    url = f"/classes/{exam.class_id}/exams/{exam.id}/results"
    html = head.get(url).get_data(as_text=True)
    assert f"{url}/release" in html and 'name="force"' in html
    refused = head.post(f"{url}/release", data={"csrf_token": head.csrf})
    assert refused.status_code == 409 and "wait for grading" in refused.get_data(as_text=True)
    assert exam_row(db, exam).released_at is None
    assert head.post(f"{url}/release", data={}).status_code == 400  # no CSRF token
    done = head.post(f"{url}/release", data={"csrf_token": head.csrf, "force": "y"})
    assert done.status_code == 302
    assert exam_row(db, exam).released_by_id == school.head.id
    assert len(notices(db)) == 1 and waiting.id


def test_exam_api_carries_the_release_setting(school, app, db, clock):
    exam = exam_of(school.school_class)
    head = api_client(app, school.head)
    url = f"/api/v1/classes/{exam.class_id}/exams/{exam.id}"
    when = (clock.now + timedelta(days=2)).isoformat()
    body = head.api("PATCH", url, {"release": "at", "release_at": when}).get_json()
    assert body["release"] == "at" and body["release_at"].startswith(when[:16])
    assert head.api("PATCH", url, {"release": "manual"}).get_json()["release_at"] is None
    for bad in ({"release": "later"}, {"release": "at"}, {"release": "at", "release_at": "tomorrow"},
                {"release": "at", "release_at": "2026-12-01T09:00:00"},
                {"release": "at", "release_at": "0001-01-01T00:00:00Z"}, {"release": 1}):
        response = head.api("PATCH", url, bad)
        assert response.status_code == 422, bad
        assert exam_row(db, exam).release == "manual"
    assert api_client(app, school.grader).api("PATCH", url, {"release": "immediately"}).status_code == 403
    assert exam_row(db, exam).release == "manual"


def test_exam_form_carries_the_release_setting(school, app, db):
    exam = exam_of(school.school_class)
    head = api_client(app, school.head)
    url = f"/classes/{exam.class_id}/exams/{exam.id}"
    form = {"csrf_token": head.csrf, "window-opens_at": "2026-12-01T09:00", "window-closes_at": "2026-12-01T11:00",
            "window-release": "at", "window-release_at": ""}
    refused = head.post(url, data=form)
    assert refused.status_code == 200 and "Give the time the results are released" in refused.get_data(as_text=True)
    assert exam_row(db, exam).release == "immediately"
    assert head.post(url, data={**form, "window-release_at": "2026-12-02T09:00"}).status_code == 302
    saved = exam_row(db, exam)
    assert saved.release == "at" and saved.release_at is not None
    assert re.search(r'<option selected value="at"|<option value="at" selected', head.get(url).get_data(as_text=True))
    assert db.session.scalar(select(func.count()).select_from(ClassExam)) == 1
