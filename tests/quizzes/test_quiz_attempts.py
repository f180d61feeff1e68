"""Attempts: the server clock, grace, autosave, submission, grading and the open-attempt rule."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from learnhub.courses.models import UnitProgress
from learnhub.quizzes.attempts import compute_deadline
from learnhub.quizzes.models import Answer, Attempt
from tests.support.quizzes import QUIZ, T0, by_type, right_answers, save, start

# ---- deadlines ----------------------------------------------------------------------------


def test_deadline_is_start_plus_limit_times_factor_or_close_time():
    assert compute_deadline(T0, 600, 1.0, None) == T0 + timedelta(minutes=10)
    assert compute_deadline(T0, 600, 1.5, None) == T0 + timedelta(minutes=15)
    closes = T0 + timedelta(minutes=12)
    assert compute_deadline(T0, 600, 1.5, closes) == closes  # the close time comes first
    assert compute_deadline(T0, None, 2.0, closes) == closes
    assert compute_deadline(T0, None, 1.0, None) is None


def test_start_sets_deadline_with_the_members_extra_time(quiz_client, clock, db):
    quiz_client.user.time_factor = 1.5
    db.session.commit()
    attempt = start(quiz_client)
    assert attempt["deadline"] == "2026-11-24T12:15:00Z"
    assert attempt["state"] == "in_progress" and attempt["server_now"] == "2026-11-24T12:00:00Z"


def test_start_twice_returns_the_open_attempt(quiz_client, clock):
    first = quiz_client.api("POST", QUIZ + "/attempts")
    second = quiz_client.api("POST", QUIZ + "/attempts")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json()["id"] == second.get_json()["id"]
    assert [q["id"] for q in first.get_json()["questions"]] == [q["id"] for q in second.get_json()["questions"]]


# ---- saving, grace, closing ------------------------------------------------------------------

def test_save_within_grace_is_accepted_and_after_it_refused(quiz_client, clock):
    attempt = start(quiz_client)
    question = by_type(attempt)["short"]
    clock.advance(minutes=10, seconds=20)  # 20 s after the deadline, inside the 30 s grace
    assert save(quiz_client, attempt, question, "Beijing").status_code == 200
    clock.advance(seconds=11)  # 31 s after the deadline
    late = save(quiz_client, attempt, question, "Shanghai")
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "attempt_closed"
    final = quiz_client.api("GET", f"/api/v1/attempts/{attempt['id']}").get_json()
    assert final["state"] == "needs_grading"  # the essay waits for staff
    assert final["answers"][str(question["id"])] == "Beijing"


def test_expired_attempt_is_finalised_with_saved_answers_at_the_deadline(quiz_client, clock, db):
    attempt = start(quiz_client)
    q = by_type(attempt)
    save(quiz_client, attempt, q["true_false"], True)
    clock.advance(minutes=30)
    body = quiz_client.api("GET", f"/api/v1/attempts/{attempt['id']}").get_json()
    assert body["state"] == "needs_grading" and body["submitted_at"] == "2026-11-24T12:10:00Z"
    row = db.session.get(Attempt, attempt["id"])
    assert (row.finished_by, row.times_graded) == ("server", 1)
    assert body["score"] == 1.0


def test_closed_attempt_rejects_saves(quiz_client, clock):
    attempt = start(quiz_client)
    quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit")
    response = save(quiz_client, attempt, by_type(attempt)["short"], "Beijing")
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "attempt_closed"


def test_last_write_per_question_wins(quiz_client, clock, db):
    attempt = start(quiz_client)
    question = by_type(attempt)["short"]
    save(quiz_client, attempt, question, "first")
    save(quiz_client, attempt, question, "second")
    rows = db.session.scalars(select(Answer).where(Answer.attempt_question_id == question["id"])).all()
    assert [row.response for row in rows] == ["second"]
    fetched = quiz_client.api("GET", f"/api/v1/attempts/{attempt['id']}").get_json()
    assert fetched["answers_saved_at"][str(question["id"])] == "2026-11-24T12:00:00Z"
    page = quiz_client.get(f"/attempts/{attempt['id']}").get_data(as_text=True)
    assert 'data-saved-at="2026-11-24T12:00:00Z"' in page


@pytest.mark.parametrize("kind,bad", [
    ("single", "not-an-option"), ("single", ["x"]), ("multiple", "x"), ("multiple", ["nope"]),
    ("true_false", "yes"), ("short", 5), ("numerical", "abc"), ("numerical", True),
    ("matching", ["a"]), ("matching", {"bogus": "x"}), ("essay", "x" * 20_001),
])
def test_wrong_response_shape_is_422_and_saves_nothing(quiz_client, clock, db, kind, bad):
    attempt = start(quiz_client)
    response = save(quiz_client, attempt, by_type(attempt)[kind], bad)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_response"
    assert db.session.scalars(select(Answer)).all() == []


def test_saving_to_an_unknown_question_or_without_response(quiz_client, clock):
    attempt = start(quiz_client)
    assert quiz_client.api("PUT", f"/api/v1/attempts/{attempt['id']}/answers/999999",
                           {"response": 1}).status_code == 404
    question = by_type(attempt)["short"]
    missing = quiz_client.api("PUT", f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}", {})
    assert missing.status_code == 422


# ---- submitting and grading ---------------------------------------------------------------------

def test_full_marks_for_right_answers_and_manual_essay_pending(quiz_client, clock, db):
    attempt = start(quiz_client)
    q = by_type(attempt)
    for kind, response in right_answers(attempt).items():
        assert save(quiz_client, attempt, q[kind], response).status_code == 200, kind
    result = quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit").get_json()
    assert result["state"] == "needs_grading" and result["passed"] is None
    assert result["max_score"] == 8.0  # six 1-point questions + the 2-point essay
    assert result["score"] == 6.0
    by_id = {item["id"]: item for item in result["questions"]}
    assert all(by_id[q[k]["id"]]["correct"] for k in ("single", "multiple", "true_false", "short",
                                                       "numerical", "matching"))
    assert by_id[q["essay"]["id"]]["points_awarded"] is None


def test_weights_partial_credit_and_penalties_floor_at_zero(quiz_client, clock):
    attempt = start(quiz_client)
    q = by_type(attempt)
    options = {o["text_html"]: o["id"] for o in q["multiple"]["options"]}
    save(quiz_client, attempt, q["multiple"], [options["<p>2</p>"], options["<p>3</p>"]])  # 50% - 100%
    # One pair right (cat -> meow), one wrong (dog -> moo), one missing: 1 of 3 pairs.
    left = {o["text_html"]: o["id"] for o in q["matching"]["options"]["left"]}
    right = {o["text_html"]: o["id"] for o in q["matching"]["options"]["right"]}
    pick = lambda names, word: next(i for text, i in names.items() if word in text)  # noqa: E731
    save(quiz_client, attempt, q["matching"], {pick(left, "cat"): pick(right, "meow"),
                                               pick(left, "dog"): pick(right, "moo")})
    result = quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit").get_json()
    scored = {item["type"]: item["points_awarded"] for item in result["questions"]}
    assert scored["multiple"] == 0.0
    assert scored["matching"] == round(1 / 3, 4)


def test_submit_is_idempotent(quiz_client, clock, db):
    attempt = start(quiz_client)
    save(quiz_client, attempt, by_type(attempt)["true_false"], True)
    first = quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit").get_json()
    clock.advance(seconds=5)
    second = quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit").get_json()
    assert first == {**second, "server_now": first["server_now"]}
    assert db.session.get(Attempt, attempt["id"]).times_graded == 1


def test_answer_feedback_follows_moodle_true_false_order(quiz_client, clock):
    attempt = start(quiz_client)
    q = by_type(attempt)
    save(quiz_client, attempt, q["true_false"], False)  # wrong: the first feedback
    result = quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit").get_json()
    tf = next(item for item in result["questions"] if item["type"] == "true_false")
    assert tf["feedback_html"] == "<p>Not quite.</p>" and tf["correct_response"] is True


def test_passing_completes_the_quiz_unit(quiz_app, quiz_client, clock, quiz_content, db):
    quiz_content("every-type", ALL_OBJECTIVE)
    attempt = start(quiz_client)
    q = by_type(attempt)
    single = next(o["id"] for o in q["single"]["options"] if "Beijing" in o["text_html"])
    save(quiz_client, attempt, q["single"], single)
    result = quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit").get_json()
    assert result["state"] == "submitted" and result["passed"] is True
    assert db.session.scalar(select(UnitProgress.completed_at)) is not None
    unit = quiz_client.api("GET", "/api/v1/courses/qc").get_json()["units"][0]
    assert unit["completed"] is True


ALL_OBJECTIVE = "---\ntitle: Every type\npass_percent: 50\n---\n::single::Capital? {=Beijing ~Shanghai}\n"


def test_completion_rule_409_before_the_quiz_is_passed(quiz_client, clock):
    response = quiz_client.api("POST", "/api/v1/courses/qc/units/intro/complete")
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "completion_rule"
