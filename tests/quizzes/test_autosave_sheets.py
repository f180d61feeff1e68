"""The autosave keeps what it checks answers against per process (quizzes.autosave's sheets):
whatever the cache holds, the attempt decides. A save after the submission, after the time
ran out or by someone else is refused as before, and what was acknowledged is what is graded."""
from __future__ import annotations

from learnhub.auth import services as auth_services
from learnhub.extensions import db
from tests.support.quizzes import by_type, right_answers, save, start
from tests.support.web import PASSWORD, api_client


def test_a_save_after_the_submission_is_refused_though_the_process_knows_the_attempt(quiz_client, clock):
    attempt = start(quiz_client)
    question = by_type(attempt)["short"]
    assert save(quiz_client, attempt, question, "Beijing").status_code == 200  # the sheet is kept now
    submitted = quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit").get_json()
    late = save(quiz_client, attempt, question, "Shanghai")
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "attempt_closed"
    again = quiz_client.api("GET", f"/api/v1/attempts/{attempt['id']}").get_json()
    assert submitted["answers"][str(question["id"])] == again["answers"][str(question["id"])] == "Beijing"


def test_a_closed_attempt_answers_409_before_the_shape_of_the_answer(quiz_client, clock):
    attempt = start(quiz_client)
    question = by_type(attempt)["single"]
    assert save(quiz_client, attempt, question, question["options"][0]["id"]).status_code == 200
    quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit")
    refused = save(quiz_client, attempt, question, "not-an-option")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "attempt_closed"


def test_someone_elses_attempt_is_not_found_though_the_process_knows_it(quiz_app, quiz_client, clock):
    attempt = start(quiz_client)
    question = by_type(attempt)["true_false"]
    assert save(quiz_client, attempt, question, True).status_code == 200
    other = auth_services.create_user("other", PASSWORD, "member")
    db.session.commit()
    response = save(api_client(quiz_app, other), attempt, question, False)
    assert response.status_code == 404
    body = quiz_client.api("GET", f"/api/v1/attempts/{attempt['id']}").get_json()
    assert body["answers"][str(question["id"])] is True


def test_every_answer_saved_through_the_kept_sheet_is_graded(quiz_client, clock):
    attempt = start(quiz_client)
    questions = by_type(attempt)
    for kind, response in right_answers(attempt).items():
        assert save(quiz_client, attempt, questions[kind], "wrong" if kind == "short" else response).status_code == 200
        assert save(quiz_client, attempt, questions[kind], response).status_code == 200  # the last one counts
    result = quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit").get_json()
    assert result["state"] == "needs_grading"  # the essay waits for staff
    assert result["score"] == result["max_score"] - 2  # everything right but the essay's 2 points


def test_the_start_shows_every_type_as_reading_the_attempt_back_does(quiz_client, clock):
    started = quiz_client.api("POST", "/api/v1/courses/qc/quizzes/every-type/attempts")
    assert started.status_code == 201
    again = quiz_client.api("GET", f"/api/v1/attempts/{started.get_json()['id']}").get_json()
    assert started.get_json() == again
