"""The loaders' two refusals where the authorization matrix does not reach: an object that
does not exist (404 for everyone, after its class's own 404/403), and what a 404 says (it
names what was asked for, never the class of an object the caller may not see). And the
expired attempt finalised in its own step: kept when the request that found it is refused.
"""
from __future__ import annotations

from datetime import timedelta

from learnhub.quizzes.models import Attempt
from tests.support.factories import announce
from tests.support.quizzes import QUIZ, T0, by_type, save, start
from tests.support.web import login, signed_in


def error_of(response) -> tuple[int, str, str]:
    error = response.get_json()["error"]
    return response.status_code, error["code"], error["message"]


def test_a_missing_exam_is_404_for_its_head_teacher_and_403_first_for_a_grader(app, make_user, make_class):
    head, grader, stranger = (make_user(role=role) for role in ("staff", "instructor", "staff"))
    school_class = make_class(head=head, graders=[grader])
    path = f"/api/v1/classes/{school_class.id}/exams/999999/overrides"
    as_head, as_grader, as_stranger = (signed_in(app, user) for user in (head, grader, stranger))
    assert error_of(as_head.get(path, headers=as_head.headers)) == (
        404, "not_found", "No exam 999999 in this class.")
    # The class is asked first: a grader may see it but not manage it, whatever the exam.
    assert error_of(as_grader.get(path, headers=as_grader.headers))[:2] == (403, "forbidden")
    assert error_of(as_stranger.get(path, headers=as_stranger.headers)) == (
        404, "not_found", f"No class {school_class.id}.")


def test_an_announcement_outside_the_callers_classes_is_404_naming_only_the_announcement(
        app, db, make_user, make_class):
    head, member, outsider = (make_user(role=role) for role in ("staff", "member", "member"))
    school_class = make_class(head=head, members=[member])
    make_class(members=[outsider])  # in a class of their own, not this one
    announcement = announce(school_class, "Notice", "Body")
    db.session.commit()
    receipts = f"/api/v1/announcements/{announcement.id}/receipts"
    as_outsider, as_member, as_head = (signed_in(app, user) for user in (outsider, member, head))
    assert error_of(as_outsider.get(receipts, headers=as_outsider.headers)) == (
        404, "not_found", f"No announcement {announcement.id}.")
    assert error_of(as_head.get("/api/v1/announcements/999999/receipts", headers=as_head.headers)) == (
        404, "not_found", "No announcement 999999.")
    assert error_of(as_member.get(receipts, headers=as_member.headers))[:2] == (403, "forbidden")
    assert as_head.get(receipts, headers=as_head.headers).status_code == 200


def test_a_missing_session_and_a_missing_member_are_404_naming_them(app, make_user, make_class):
    head = make_user(role="staff")
    school_class = make_class(head=head)
    client = signed_in(app, head)
    assert error_of(client.get("/api/v1/sessions/999999", headers=client.headers)) == (
        404, "not_found", "No session 999999.")
    response = client.patch(f"/api/v1/classes/{school_class.id}/members/nobody", json={"phone": "1"},
                            headers=client.headers)
    assert error_of(response) == (404, "not_found", "nobody is not in this class.")


def test_pages_refuse_the_same_way(app, make_user, make_class):
    """The loaders raise one DomainError: the page gets the error page with its status."""
    head, grader = make_user(role="staff"), make_user(role="instructor")
    school_class = make_class(head=head, graders=[grader])
    for user, status in ((head, 404), (grader, 403)):
        client = app.test_client()
        assert login(client, user.username).status_code == 302
        assert client.get(f"/classes/{school_class.id}/exams/999999").status_code == status
        assert client.get("/classes/999999").status_code == 404
        assert client.get("/announcements/999999").status_code == 404
        assert client.get("/sessions/999999").status_code == 404


def test_an_expired_attempt_is_finalised_by_the_refused_autosave_itself(quiz_client, clock, db):
    """The save is refused (409) and that same request closed the attempt, not a later read."""
    attempt = start(quiz_client)
    clock.advance(minutes=11)  # the 10 minutes and the 30 s grace are over
    late = save(quiz_client, attempt, by_type(attempt)["short"], "Beijing")
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "attempt_closed"
    db.session.expire_all()
    row = db.session.get(Attempt, attempt["id"])
    assert (row.state, row.finished_by, row.submitted_at) == ("needs_grading", "server", T0 + timedelta(minutes=10))


def test_a_start_refused_after_the_open_attempt_expired_keeps_that_attempt_finalised(
        quiz_client, make_quiz, clock, db):
    make_quiz("one-go", attempts=1, time_limit="1m")
    path = QUIZ.replace("every-type", "one-go") + "/attempts"
    first = quiz_client.api("POST", path)
    assert first.status_code == 201
    first = first.get_json()
    clock.advance(minutes=2)  # the minute and its 30 s grace are over
    refused = quiz_client.api("POST", path)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "no_attempts_left"
    db.session.expire_all()
    row = db.session.get(Attempt, first["id"])
    assert (row.state, row.finished_by) == ("submitted", "server")
