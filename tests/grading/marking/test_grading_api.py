"""Grading one answer through the API: who may, the version conflict, the audit log, an
automatic grade changed only with a reason, the last pending answer, bad input."""
from __future__ import annotations

from sqlalchemy import select

from learnhub.auth import services as auth_services
from learnhub.core.audit import AuditEntry
from learnhub.core.signals import attempt_graded
from learnhub.extensions import db
from learnhub.quizzes.models import Attempt
from tests.support.factories import enrol
from tests.support.grading_marking import answer_of
from tests.support.web import PASSWORD


def _grade(marking, name, answer_id, **body):
    return marking.client(name).api("PUT", f"/api/v1/answers/{answer_id}/grade", body)


def _audits():
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "grade.change")
                                   .order_by(AuditEntry.id)))


def _attempt(attempt_id) -> Attempt:
    db.session.expire_all()
    return db.session.get(Attempt, attempt_id)


def test_the_class_graders_and_head_teacher_see_the_queue_and_grade(marking):
    attempt_id = marking.sit("ann")
    essay = answer_of(attempt_id, "essay")
    for name in ("grader", "head", "boss"):
        response = marking.client(name).api("GET", marking.queue_url)
        assert response.status_code == 200
        assert [i["answer_id"] for i in response.get_json()["items"]] == [essay.id]
    assert _grade(marking, "grader", essay.id, points=6, version=1).get_json() == {"version": 2}
    assert _grade(marking, "head", essay.id, points=7, version=2).get_json() == {"version": 3}
    assert answer_of(attempt_id, "essay").points_awarded == 7


def test_members_other_classes_staff_and_anonymous_cannot(marking, quiz_app):
    attempt_id = marking.sit("ann")
    essay = answer_of(attempt_id, "essay")
    marking.users["othergrader"] = auth_services.create_user("othergrader", PASSWORD, "instructor")
    enrol(marking.other_class, marking.users["othergrader"], "grader")
    db.session.commit()
    assert marking.client("ann").api("GET", marking.queue_url).status_code == 403  # a member of the class
    assert marking.client("bob").api("GET", marking.queue_url).status_code == 403
    for name in ("otherhead", "othergrader"):
        assert marking.client(name).api("GET", marking.queue_url).status_code == 404
    for name, status in (("ann", 403), ("bob", 404), ("otherhead", 403), ("othergrader", 403)):
        assert _grade(marking, name, essay.id, points=10, version=1).status_code == status, name
    anonymous = quiz_app.test_client()
    assert anonymous.get(marking.queue_url).status_code == 401
    assert anonymous.put(f"/api/v1/answers/{essay.id}/grade", json={"points": 1, "version": 1}).status_code == 401
    assert answer_of(attempt_id, "essay").fraction is None and _audits() == []


def test_the_queue_is_blind_unless_the_head_teacher_asks(marking):
    marking.users["ann"].display_name = "张三丰"
    db.session.commit()
    marking.sit("ann")
    blind = marking.client("grader").api("GET", marking.queue_url)
    assert "张三丰" not in blind.get_data(as_text=True)
    assert "username" not in blind.get_json()["items"][0] and "display_name" not in blind.get_json()["items"][0]
    assert marking.client("grader").api("GET", marking.queue_url + "?blind=0").status_code == 403
    named = marking.client("head").api("GET", marking.queue_url + "?blind=0").get_json()["items"][0]
    assert (named["username"], named["display_name"]) == ("ann", "张三丰")
    assert "username" not in marking.client("head").api("GET", marking.queue_url).get_json()["items"][0]


def test_two_graders_the_second_gets_409_and_nothing_is_overwritten(marking):
    attempt_id = marking.sit("ann")
    essay = answer_of(attempt_id, "essay")
    version = marking.client("head").api("GET", marking.queue_url).get_json()["items"][0]["version"]
    assert _grade(marking, "grader", essay.id, points=8, comment="好", version=version).status_code == 200
    late = _grade(marking, "head", essay.id, points=2, comment="差", version=version)
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "stale_version"
    answer = answer_of(attempt_id, "essay")
    assert (answer.points_awarded, answer.grader_comment, answer.grader_id, answer.version) == (
        8, "好", marking.users["grader"].id, 2)
    assert len(_audits()) == 1


def test_every_change_is_in_the_audit_log_who_when_old_new_reason(marking, clock):
    attempt_id = marking.sit("ann")
    essay = answer_of(attempt_id, "essay")
    _grade(marking, "grader", essay.id, points=5, comment="**不错**", version=1)
    _grade(marking, "head", essay.id, points=9, version=2, reason="复核")
    first, second = _audits()
    assert (first.actor_id, first.target_type, first.target_id) == (marking.users["grader"].id, "answers", essay.id)
    assert first.created_at == clock.now
    assert first.data["old"]["points"] is None and first.data["new"]["points"] == 5
    assert first.data["comment"] == "**不错**" and first.data["reason"] is None
    assert second.actor_id == marking.users["head"].id
    assert second.data["old"]["points"] == 5 and second.data["new"]["points"] == 9
    assert second.data["reason"] == "复核"


def test_changing_an_automatic_grade_needs_a_reason(marking):
    attempt_id = marking.sit("ann", tf=True)
    tf = answer_of(attempt_id, "true_false")
    assert tf.fraction == 1.0
    refused = _grade(marking, "head", tf.id, points=0, version=1)
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "reason_required"
    assert answer_of(attempt_id, "true_false").fraction == 1.0 and _audits() == []
    assert _grade(marking, "head", tf.id, points=0, version=1, reason="题目有误").status_code == 200
    changed = answer_of(attempt_id, "true_false")
    assert (changed.fraction, changed.points_awarded) == (0.0, 0.0)
    assert _audits()[0].data["reason"] == "题目有误"
    assert _attempt(attempt_id).score == 0.0  # rescored (the essay still waits)


def test_grading_the_last_pending_answer_grades_the_attempt_once(marking, quiz_app):
    attempt_id = marking.sit("ann", tf=True)
    attempt = _attempt(attempt_id)
    assert attempt.state == "needs_grading" and attempt.passed is None
    sent = []

    def receiver(sender, attempt, **_extra):
        sent.append(attempt.id)

    attempt_graded.connect(receiver, sender=quiz_app)
    try:
        essay = answer_of(attempt_id, "essay")
        assert _grade(marking, "grader", essay.id, points=7.5, version=1).status_code == 200
        assert _grade(marking, "grader", essay.id, points=8, version=2).status_code == 200  # a change later
    finally:
        attempt_graded.disconnect(receiver, sender=quiz_app)
    attempt = _attempt(attempt_id)
    # graded once; the later change is announced again (its receivers are idempotent: a fail
    # turned into a pass completes the quiz's unit, the member's notice is not repeated)
    assert attempt.state == "graded" and attempt.times_graded == 1 and sent == [attempt_id, attempt_id]
    assert (attempt.score, attempt.max_score) == (9.0, 11.0)  # tf 1 + essay 8 of 1 + 10
    assert attempt.percent == round(100 * 9 / 11, 2) and attempt.passed is True
    assert marking.client("grader").api("GET", marking.queue_url).get_json()["items"] == []


def test_bad_points_missing_version_give_422_and_change_nothing(marking):
    attempt_id = marking.sit("ann")
    essay = answer_of(attempt_id, "essay")
    client = marking.client("grader")
    url = f"/api/v1/answers/{essay.id}/grade"
    for body in ({"points": 10.5, "version": 1}, {"points": -1, "version": 1}, {"points": "7", "version": 1},
                 {"points": True, "version": 1}, {"points": 5}, {"version": 1}, {"points": 5, "version": "1"},
                 {"points": 5, "version": 1, "comment": "x" * 5001}):
        response = client.api("PUT", url, body)
        assert response.status_code == 422, body
    for raw in ('{"points": NaN, "version": 1}', '{"points": Infinity, "version": 1}'):
        response = client.open(url, method="PUT", data=raw, content_type="application/json",
                               headers={"X-CSRFToken": client.csrf})
        assert response.status_code in (400, 422), raw
    out_of_range = client.api("PUT", url, {"points": 11, "version": 1})
    assert out_of_range.get_json()["error"]["code"] == "invalid_points"
    answer = answer_of(attempt_id, "essay")
    assert (answer.fraction, answer.version) == (None, 1) and _audits() == []
    assert _attempt(attempt_id).state == "needs_grading"


def test_an_open_attempt_is_not_gradable(marking):
    started = marking.start("ann", quiz="essay").get_json()
    question = next(q for q in started["questions"] if q["type"] == "essay")
    marking.client("ann").api("PUT", f"/api/v1/attempts/{started['id']}/answers/{question['id']}",
                              {"response": "草稿"})
    essay = answer_of(started["id"], "essay")
    response = _grade(marking, "head", essay.id, points=1, version=1)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "not_gradable"
    assert marking.client("head").api("GET", marking.queue_url).get_json()["items"] == []


def test_an_archived_class_keeps_its_grades(marking):
    attempt_id = marking.sit("ann")
    essay = answer_of(attempt_id, "essay")
    marking.school_class.status = "archived"
    db.session.commit()
    response = _grade(marking, "head", essay.id, points=5, version=1)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "class_archived"
    assert answer_of(attempt_id, "essay").fraction is None and _audits() == []
