"""Regression tests from the security review of scheduled exams.

1. With `review: answers_after_close`, an early finisher's answers wait for the latest close
   of the exam as it is NOW (extended, or a member's later window), not the close recorded
   when the attempt started.
2. A reset in one class resets only the attempts made under that class's exam.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from learnhub.classes.models import Membership
from learnhub.core.audit import AuditEntry
from learnhub.extensions import db
from learnhub.quizzes.models import Attempt
from tests.support.exams import EXAM_QUIZ, People, z
from tests.support.quizzes import T0

CLOSING = ("---\ntitle: Closing exam\nkind: exam\nattempts: 1\nreview: answers_after_close\n"
           "closes_at: 2026-11-24 20:00\n---\n::tf::True? {T}\n")  # the file's close = T0 (Asia/Shanghai)


@pytest.fixture
def people(quiz_app, quiz_content, clock):
    quiz_content("closing", CLOSING)
    quiz_content("final", EXAM_QUIZ)
    return People(quiz_app)


def _finish(people, name, quiz="closing"):
    started = people.start(name, quiz=quiz)
    assert started.status_code == 201, started.get_json()
    started = started.get_json()
    question = started["questions"][0]["id"]
    people.client(name).api("PUT", f"/api/v1/attempts/{started['id']}/answers/{question}", {"response": False})
    people.submit(name, started["id"])
    return started["id"]


def _review(people, name, attempt_id) -> dict:
    response = people.client(name).api("GET", f"/api/v1/attempts/{attempt_id}")
    assert response.status_code == 200
    return response.get_json()


def _hidden(body) -> bool:
    return body["answers_shown"] is False and all("correct_response" not in q for q in body["questions"])


def _shown(body) -> bool:
    return body["answers_shown"] is True and "correct_response" in body["questions"][0]


# ---- 1. answers after close: the latest close now --------------------------------------------------

def test_a_later_window_for_one_member_keeps_the_answers_hidden_until_it_closes(people, clock):
    exam = people.schedule(quiz="closing", opens=T0, closes=T0 + timedelta(hours=1))
    attempt_id = _finish(people, "ann")
    # Bob was ill: a later window, granted after Ann submitted.
    assert people.override(exam["id"], username="bob", closes_at=z(T0 + timedelta(days=1))).status_code == 200
    clock.advance(hours=1, minutes=1)  # the exam's close (and grace) passed for Ann ...
    assert _hidden(_review(people, "ann", attempt_id))
    assert people.start("bob", quiz="closing").status_code == 201  # ... but Bob is still taking it
    people.later(clock, days=1)  # past Bob's close and the grace
    assert _shown(_review(people, "ann", attempt_id))


def test_extending_the_exam_keeps_the_answers_hidden_until_the_new_close(people, clock):
    exam = people.schedule(quiz="closing", opens=T0, closes=T0 + timedelta(hours=1))
    attempt_id = _finish(people, "ann")
    response = people.client("head").api("PATCH", f"{people.exams_url}/{exam['id']}",
                                          {"closes_at": z(T0 + timedelta(hours=3))})
    assert response.status_code == 200
    clock.advance(hours=1, minutes=1)
    assert _hidden(_review(people, "ann", attempt_id))
    assert people.start("bob", quiz="closing").status_code == 201
    clock.advance(hours=2)  # T0 + 3h 1m: the new close and its grace passed
    assert _shown(_review(people, "ann", attempt_id))


def test_the_latest_override_counts_and_an_override_without_a_close_does_not(people, clock):
    exam = people.schedule(quiz="closing", opens=T0, closes=T0 + timedelta(hours=1))
    attempt_id = _finish(people, "ann")
    assert people.override(exam["id"], username="bob", closes_at=z(T0 + timedelta(hours=2))).status_code == 200
    assert people.override(exam["id"], username="ann", extra_attempts=1).status_code == 200  # no window
    clock.advance(hours=1, minutes=59)
    assert _hidden(_review(people, "ann", attempt_id))
    clock.advance(minutes=2)
    assert _shown(_review(people, "ann", attempt_id))


def test_a_cancelled_exam_falls_back_to_the_close_recorded_at_start(people, clock):
    exam = people.schedule(quiz="closing", opens=T0, closes=T0 + timedelta(hours=1))
    attempt_id = _finish(people, "ann")
    assert people.override(exam["id"], username="bob", closes_at=z(T0 + timedelta(days=1))).status_code == 200
    assert people.client("head").api("DELETE", f"{people.exams_url}/{exam['id']}").status_code == 204
    clock.advance(minutes=59)
    assert _hidden(_review(people, "ann", attempt_id))  # the recorded close has not passed yet
    clock.advance(minutes=2)
    assert _shown(_review(people, "ann", attempt_id))


# ---- 2. a reset resets only the attempts made under this exam -------------------------------------

def test_a_reset_in_class_a_keeps_the_attempt_made_for_class_b(people, clock):
    db.session.add(Membership(class_id=people.other_class.id, user_id=people.users["ann"].id, role="member"))
    db.session.commit()
    # Class B (otherhead) schedules the quiz now; class A (head) schedules it next week.
    other = people.client("otherhead").api("POST", f"/api/v1/classes/{people.other_class.id}/exams", {
        "course": "qc", "quiz": "final", "opens_at": z(T0), "closes_at": z(T0 + timedelta(hours=2))})
    assert other.status_code == 201
    mine = people.schedule(opens=T0 + timedelta(days=7), closes=T0 + timedelta(days=7, hours=2))
    attempt_id = _finish(people, "ann", quiz="final")
    assert db.session.get(Attempt, attempt_id).settings["schedule"]["id"] == other.get_json()["id"]
    response = people.client("head").api("POST", f"{people.exams_url}/{mine['id']}/resets/ann", {"reason": "x"})
    assert response.status_code == 200 and response.get_json() == {"username": "ann", "reset": 0, "attempts": []}
    db.session.expire_all()
    assert db.session.get(Attempt, attempt_id).reset_at is None
    assert not db.session.scalar(select(AuditEntry).where(AuditEntry.action == "exam.reset"))
    # Class B's head teacher may still reset it: it was made under their exam.
    theirs = people.client("otherhead").api(
        "POST", f"/api/v1/classes/{people.other_class.id}/exams/{other.get_json()['id']}/resets/ann",
        {"reason": "x"})
    assert theirs.status_code == 200 and theirs.get_json()["attempts"] == [attempt_id]


def test_a_reset_keeps_a_practice_attempt_made_before_the_exam_was_scheduled(people, clock):
    practice = _finish(people, "ann", quiz="final")  # no schedule yet: the quiz file's rules
    assert "schedule" not in db.session.get(Attempt, practice).settings
    exam = people.schedule()
    assert people.override(exam["id"], username="ann", extra_attempts=1).status_code == 200
    under_exam = _finish(people, "ann", quiz="final")
    response = people.client("head").api("POST", f"{people.exams_url}/{exam['id']}/resets/ann", {"reason": "x"})
    assert response.status_code == 200 and response.get_json()["attempts"] == [under_exam]
    db.session.expire_all()
    assert db.session.get(Attempt, practice).reset_at is None
    assert db.session.get(Attempt, under_exam).reset_at is not None


def test_an_open_attempt_under_another_class_exam_does_not_block_a_reset(people, clock):
    db.session.add(Membership(class_id=people.other_class.id, user_id=people.users["ann"].id, role="member"))
    db.session.commit()
    other = people.client("otherhead").api("POST", f"/api/v1/classes/{people.other_class.id}/exams", {
        "course": "qc", "quiz": "final", "opens_at": z(T0), "closes_at": z(T0 + timedelta(hours=2))})
    assert other.status_code == 201
    mine = people.schedule(opens=T0 + timedelta(days=7), closes=T0 + timedelta(days=7, hours=2))
    assert people.start("ann").status_code == 201  # open, under class B's exam
    response = people.client("head").api("POST", f"{people.exams_url}/{mine['id']}/resets/ann", {"reason": "x"})
    assert response.status_code == 200 and response.get_json()["reset"] == 0


OPEN_KEY = ("---\ntitle: Open paper\nkind: exam\nreview: answers_after_close\n"
            "closes_at: 2026-11-24 21:00\n---\n::tf::True? {T}\n")  # the file closes at T0 + 1h


def test_answers_wait_for_every_class_sitting_the_quiz(people, quiz_content, clock):
    """Someone outside the class must not see the key once the file's own close has passed
    while the class can still sit the quiz as its exam (a later window)."""
    quiz_content("open-paper", OPEN_KEY)
    people.schedule(quiz="open-paper", opens=T0, closes=T0 + timedelta(hours=3))
    attempt_id = _finish(people, "otherhead", quiz="open-paper")  # in no class that schedules it
    clock.advance(hours=1, minutes=5)  # past the file's close and its grace
    assert _hidden(_review(people, "otherhead", attempt_id))
    assert people.start("ann", quiz="open-paper").status_code == 201  # the class is still sitting it
    people.later(clock, hours=2)
    assert _shown(_review(people, "otherhead", attempt_id))
