"""Quiz rules around attempts: keys never leak, review policies, windows, limits, who may do what."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from learnhub.auth import services as auth_services
from learnhub.quizzes.models import Attempt, IntegrityEvent
from tests.support.quizzes import QUIZ, by_type, right_answers, save, start
from tests.support.web import PASSWORD, csrf_from, login

TIMED = "---\ntitle: {title}\n{extra}---\n::single::Capital? {{=Beijing ~Shanghai}}\n\n::tf::True? {{T}}\n"


def quiz_file(title="Q", **settings):
    extra = "".join(f"{key}: {value}\n" for key, value in settings.items())
    return TIMED.format(title=title, extra=extra)


# ---- answer keys ---------------------------------------------------------------------------

SECRETS = ["Right, Beijing.", "No, that is Shanghai.", "Not quite.", "Peking", "3.14", "3.13", "fraction",
           "correct_response", "feedback"]


def test_no_keys_or_feedback_in_the_attempt_json_or_page_before_submission(quiz_client, clock):
    attempt = start(quiz_client)
    as_json = json.dumps(attempt)
    page = quiz_client.get(f"/attempts/{attempt['id']}").get_data(as_text=True)
    fetched = json.dumps(quiz_client.api("GET", f"/api/v1/attempts/{attempt['id']}").get_json())
    for text in SECRETS:
        assert text not in as_json and text not in fetched, text
        assert text not in page, text
    for question in attempt["questions"]:
        assert set(question) <= {"id", "type", "position", "text_html", "points", "options"}
    # Option ids are opaque: nothing in them tells which one is right.
    options = by_type(attempt)["single"]["options"]
    assert all(re.fullmatch(r"[0-9a-f]{8}", o["id"]) for o in options)


def test_score_only_review_never_shows_keys(quiz_client, clock, quiz_content):
    quiz_content("every-type", quiz_file(review="score_only"))
    attempt = start(quiz_client)
    result = quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit").get_json()
    assert result["answers_shown"] is False and "correct_response" not in json.dumps(result)
    assert result["percent"] == 0.0
    page = quiz_client.get(f"/attempts/{attempt['id']}").get_data(as_text=True)
    assert "right answer" not in page and "Score:" in page


def test_answers_after_close_wait_for_the_close_time(quiz_client, clock, quiz_content):
    quiz_content("every-type", quiz_file(review="answers_after_close", closes_at="2026-11-24 21:00"))
    attempt = start(quiz_client)  # closes at 21:00 Shanghai = 13:00 UTC
    result = quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit").get_json()
    assert result["answers_shown"] is False and "correct_response" not in json.dumps(result)
    clock.advance(hours=1, minutes=1)
    later = quiz_client.api("GET", f"/api/v1/attempts/{attempt['id']}").get_json()
    assert later["answers_shown"] is True and "correct_response" in later["questions"][0]


# ---- windows and limits ----------------------------------------------------------------------

def test_not_open_yet_and_closed(quiz_client, clock, quiz_content):
    quiz_content("every-type", quiz_file(opens_at="2026-11-24 21:00", closes_at="2026-11-24 22:00"))
    early = quiz_client.api("POST", QUIZ + "/attempts")
    assert early.status_code == 403 and early.get_json()["error"]["code"] == "not_open_yet"
    clock.advance(hours=3)
    late = quiz_client.api("POST", QUIZ + "/attempts")
    assert late.status_code == 403 and late.get_json()["error"]["code"] == "quiz_closed"


def test_close_time_caps_the_deadline(quiz_client, clock, quiz_content):
    quiz_content("every-type", quiz_file(time_limit="2h", closes_at="2026-11-24 20:30"))
    assert start(quiz_client)["deadline"] == "2026-11-24T12:30:00Z"


def test_attempt_limit(quiz_client, clock, quiz_content):
    quiz_content("every-type", quiz_file(attempts=1))
    attempt = start(quiz_client)
    quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit")
    again = quiz_client.api("POST", QUIZ + "/attempts")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "no_attempts_left"
    detail = quiz_client.api("GET", QUIZ).get_json()
    assert (detail["attempts_used"], detail["attempts_allowed"], detail["open_attempt"]) == (1, 1, None)


def test_grading_method_highest_and_last(quiz_client, clock, quiz_content):
    quiz_content("every-type", quiz_file(grading="last"))
    first = start(quiz_client)
    single = by_type(first)["single"]
    right = next(o["id"] for o in single["options"] if "Beijing" in o["text_html"])
    save(quiz_client, first, single, right)
    quiz_client.api("POST", f"/api/v1/attempts/{first['id']}/submit")
    second = start(quiz_client)
    quiz_client.api("POST", f"/api/v1/attempts/{second['id']}/submit")
    assert quiz_client.api("GET", QUIZ).get_json()["grade_percent"] == 0.0
    quiz_content("every-type", quiz_file(grading="highest"))
    assert quiz_client.api("GET", QUIZ).get_json()["grade_percent"] == 50.0


def test_draw_per_category_and_seeded_shuffle(quiz_client, clock, quiz_content):
    questions = "\n\n".join([f"$CATEGORY: a\n\n::a{i}::A{i}? {{=y ~n}}" for i in range(5)]
                            + [f"$CATEGORY: b\n\n::b{i}::B{i}? {{=y ~n}}" for i in range(5)])
    quiz_content("every-type", "---\ntitle: Draw\ndraw:\n  a: 2\n  b: 1\nshuffle_questions: true\n"
                 "shuffle_options: true\n---\n" + questions)
    papers, option_orders = set(), set()
    for _ in range(6):
        attempt = start(quiz_client)
        texts = [q["text_html"] for q in attempt["questions"]]
        assert len(texts) == 3
        assert sum("A" in t for t in texts) == 2 and sum("B" in t for t in texts) == 1
        reloaded = quiz_client.api("GET", f"/api/v1/attempts/{attempt['id']}").get_json()
        assert reloaded["questions"] == attempt["questions"]  # same paper, same order, same ids
        papers.add(tuple(texts))
        option_orders.add(tuple(o["text_html"] for q in attempt["questions"] for o in q["options"]))
        quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit")
    # Each attempt draws and shuffles anew (300 possible papers: six equal ones would be a bug).
    assert len(papers) > 1 and len(option_orders) > 1


def test_editing_the_file_does_not_change_a_started_attempt(quiz_client, clock, quiz_content):
    attempt = start(quiz_client)
    quiz_content("every-type", quiz_file(title="Changed"))
    reloaded = quiz_client.api("GET", f"/api/v1/attempts/{attempt['id']}").get_json()
    assert [q["text_html"] for q in reloaded["questions"]] == [q["text_html"] for q in attempt["questions"]]


# ---- who may -----------------------------------------------------------------------------------

def _other_member(quiz_app, role="member"):
    client = quiz_app.test_client()
    auth_services.create_user(f"other-{role}", PASSWORD, role)
    from learnhub.extensions import db

    db.session.commit()
    login(client, f"other-{role}")
    client.csrf = csrf_from(client, "/account")
    return client


def test_another_member_cannot_see_or_change_an_attempt(quiz_app, quiz_client, clock):
    attempt = start(quiz_client)
    other = _other_member(quiz_app)
    headers = {"X-CSRFToken": other.csrf}
    assert other.get(f"/api/v1/attempts/{attempt['id']}").status_code == 404
    assert other.get(f"/attempts/{attempt['id']}").status_code == 404
    question = attempt["questions"][0]
    assert other.put(f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}",
                     json={"response": None}, headers=headers).status_code == 404
    assert other.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers).status_code == 404


@pytest.mark.parametrize("role", ["staff", "instructor", "admin"])
def test_staff_see_attempts_with_evidence_but_cannot_answer(quiz_app, quiz_client, clock, role):
    attempt = start(quiz_client)
    quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/events", {"kind": "hidden"})
    staff = _other_member(quiz_app, role)
    page = staff.get(f"/attempts/{attempt['id']}").get_data(as_text=True)
    assert "Integrity record" in page and "Left the page" in page
    question = attempt["questions"][0]
    response = staff.put(f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}",
                         json={"response": None}, headers={"X-CSRFToken": staff.csrf})
    assert response.status_code == 403
    listing = staff.get("/courses/qc/quizzes/every-type/attempts")
    assert listing.status_code == 200 and "taker" in listing.get_data(as_text=True)


def test_members_cannot_list_all_attempts(quiz_client):
    assert quiz_client.get("/courses/qc/quizzes/every-type/attempts").status_code == 403


def test_api_needs_csrf_with_the_session_cookie(quiz_client, clock):
    response = quiz_client.post(QUIZ + "/attempts")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "csrf_failed"


# ---- integrity signals -----------------------------------------------------------------------------

def test_events_are_recorded_and_warn_after_the_limit(quiz_client, clock, quiz_content, db):
    quiz_content("every-type", quiz_file(focus_warning=2))
    attempt = start(quiz_client)
    path = f"/api/v1/attempts/{attempt['id']}/events"
    assert quiz_client.api("POST", path, {"kind": "focus_lost"}).get_json() == {"focus_losses": 1, "warn": False}
    assert quiz_client.api("POST", path, {"kind": "hidden"}).get_json() == {"focus_losses": 2, "warn": True}
    question = attempt["questions"][0]["id"]
    assert quiz_client.api("POST", path, {"kind": "paste", "question_id": question}).status_code == 200
    assert quiz_client.api("POST", path, {"kind": "teleport"}).status_code == 422
    assert quiz_client.api("POST", path, {"kind": "paste", "question_id": 999999}).status_code == 422
    kinds = db.session.scalars(select(IntegrityEvent.kind).order_by(IntegrityEvent.id)).all()
    assert kinds == ["focus_lost", "hidden", "paste"]
    row = db.session.get(Attempt, attempt["id"])
    assert row.start_ip == "127.0.0.1" and row.start_user_agent is not None


# ---- closing overdue attempts ---------------------------------------------------------------------

def test_close_overdue_command_finalises_expired_attempts_once(quiz_app, quiz_client, clock, db):
    attempt = start(quiz_client)
    save(quiz_client, attempt, by_type(attempt)["true_false"], True)
    runner = quiz_app.test_cli_runner()
    assert "Closed 0 overdue" in runner.invoke(args=["quizzes", "close-overdue"]).output  # not yet due
    clock.advance(minutes=10, seconds=29)
    assert "Closed 0 overdue" in runner.invoke(args=["quizzes", "close-overdue"]).output  # in grace
    clock.advance(seconds=2)
    assert "Closed 1 overdue" in runner.invoke(args=["quizzes", "close-overdue"]).output
    assert "Closed 0 overdue" in runner.invoke(args=["quizzes", "close-overdue"]).output
    db.session.expire_all()
    row = db.session.get(Attempt, attempt["id"])
    assert (row.state, row.finished_by, row.times_graded, row.score) == ("needs_grading", "server", 1, 1.0)


# ---- the pages -------------------------------------------------------------------------------------

def test_course_page_lists_its_quizzes(quiz_client):
    page = quiz_client.get("/courses/qc").get_data(as_text=True)
    assert "<title>Quiz course · LearnHub</title>" in page
    assert page.count('href="/courses/qc/quizzes/every-type"') == 1
    unit = quiz_client.get("/courses/qc/intro").get_data(as_text=True)
    assert "Pass the unit quiz" in unit and 'href="/courses/qc/quizzes/every-type"' in unit


def test_pages_intro_start_form_submit_and_result(quiz_client, clock):
    intro = quiz_client.get("/courses/qc/quizzes/every-type").get_data(as_text=True)
    assert "Start the attempt" in intro and "10 minutes" in intro
    token = csrf_from(quiz_client, "/courses/qc/quizzes/every-type")
    started = quiz_client.post("/courses/qc/quizzes/every-type/start", data={"csrf_token": token})
    assert started.status_code == 302
    attempt_url = started.headers["Location"]
    page = quiz_client.get(attempt_url).get_data(as_text=True)
    assert 'role="status"' in page and "js/quiz.js" in page and "data-deadline=" in page
    attempt_id = int(attempt_url.rsplit("/", 1)[1])
    attempt = quiz_client.api("GET", f"/api/v1/attempts/{attempt_id}").get_json()
    answers = right_answers(attempt)
    q = by_type(attempt)
    form = {"csrf_token": token, f"q-{q['single']['id']}": answers["single"],
            f"q-{q['multiple']['id']}": answers["multiple"], f"q-{q['true_false']['id']}": "true",
            f"q-{q['short']['id']}": "Beijing", f"q-{q['numerical']['id']}": "3.14",
            f"q-{q['essay']['id']}": "Words."}
    form.update({f"q-{q['matching']['id']}-{left}": right for left, right in answers["matching"].items()})
    done = quiz_client.post(f"/attempts/{attempt_id}/submit", data=form)
    assert done.status_code == 302
    result = quiz_client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "Score: 6.0 of 8.0" in result and "Waiting for grading" in result
    history = quiz_client.get("/my/attempts").get_data(as_text=True)
    assert "Every type" in history and "Waiting for grading" in history
    intro = quiz_client.get("/courses/qc/quizzes/every-type").get_data(as_text=True)
    assert f'href="/attempts/{attempt_id}">1</a>' in intro and "Waiting for grading" in intro


def test_form_submit_with_a_bad_answer_changes_nothing(quiz_client, clock, db):
    attempt = start(quiz_client)
    token = csrf_from(quiz_client, f"/attempts/{attempt['id']}")
    q = by_type(attempt)
    response = quiz_client.post(f"/attempts/{attempt['id']}/submit", data={
        "csrf_token": token, f"q-{q['short']['id']}": "fine", f"q-{q['numerical']['id']}": "not a number"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Attempt, attempt["id"]).state == "in_progress"


def test_staff_set_extra_time(quiz_app, quiz_client, clock, db):
    staff = _other_member(quiz_app, "staff")
    token = csrf_from(staff, "/staff/accommodations")
    staff.post("/staff/accommodations", data={"csrf_token": token, "username": "taker", "factor": "1.5"})
    db.session.expire_all()
    assert start(quiz_client)["deadline"] == "2026-11-24T12:15:00Z"
    bad = staff.post("/staff/accommodations", data={"csrf_token": token, "username": "taker", "factor": "9"})
    assert bad.status_code == 200 and "between 1 and 5" in bad.get_data(as_text=True)
    assert quiz_client.get("/staff/accommodations").status_code == 403


# ---- found in review --------------------------------------------------------------------------

def test_answers_after_close_also_waits_for_grace_and_an_extended_close(quiz_client, clock, quiz_content):
    quiz_content("every-type", quiz_file(review="answers_after_close", closes_at="2026-11-24 21:00"))
    attempt = start(quiz_client)
    quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit")
    clock.advance(hours=1, seconds=10)  # 10 s after the close, still inside the 30 s grace
    assert quiz_client.api("GET", f"/api/v1/attempts/{attempt['id']}").get_json()["answers_shown"] is False
    quiz_content("every-type", quiz_file(review="answers_after_close", closes_at="2026-11-24 23:00"))
    clock.advance(minutes=5)  # past the old close + grace, but the quiz was extended
    assert quiz_client.api("GET", f"/api/v1/attempts/{attempt['id']}").get_json()["answers_shown"] is False
    clock.advance(hours=2)
    assert quiz_client.api("GET", f"/api/v1/attempts/{attempt['id']}").get_json()["answers_shown"] is True


@pytest.mark.parametrize("text,status", [("1,000", 422), ("1.000,5", 422), ("3,14", 200), ("３.１４", 200)])
def test_numbers_with_separators(quiz_client, clock, text, status):
    attempt = start(quiz_client)
    assert save(quiz_client, attempt, by_type(attempt)["numerical"], text).status_code == status


def test_full_width_short_answer_is_right(quiz_client, clock):
    attempt = start(quiz_client)
    save(quiz_client, attempt, by_type(attempt)["short"], "ＢＥＩＪＩＮＧ")
    result = quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit").get_json()
    assert next(q for q in result["questions"] if q["type"] == "short")["correct"] is True


def test_numerical_feedback_comes_from_the_answer_that_scored(quiz_client, clock, quiz_content):
    quiz_content("every-type", "---\ntitle: N\n---\n::n::Pi? {#=%50%3:1#close =3.14:0.01#exact}\n")
    attempt = start(quiz_client)
    save(quiz_client, attempt, attempt["questions"][0], 3.14)
    result = quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit").get_json()
    assert result["questions"][0]["feedback_html"] == "<p>exact</p>" and result["percent"] == 100.0


def test_bad_shapes_and_ids_are_4xx_not_500(quiz_client, clock):
    attempt = start(quiz_client)
    matching = by_type(attempt)["matching"]
    left = matching["options"]["left"][0]["id"]
    assert save(quiz_client, attempt, matching, {left: ["x"]}).status_code == 422
    assert quiz_client.api("GET", f"/api/v1/attempts/{2**63}").status_code == 404
    assert quiz_client.get(f"/attempts/{2**40}").status_code == 404
    events = f"/api/v1/attempts/{attempt['id']}/events"
    assert quiz_client.api("POST", events, {"kind": "paste", "question_id": True}).status_code == 422


def test_invalid_answer_to_a_closed_attempt_is_409(quiz_client, clock):
    attempt = start(quiz_client)
    quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit")
    response = save(quiz_client, attempt, by_type(attempt)["numerical"], "abc")
    assert response.status_code == 409


def test_drawing_per_category_keeps_descriptions(quiz_client, clock, quiz_content):
    quiz_content("every-type", "---\ntitle: D\ndraw: {a: 1}\n---\n$CATEGORY: a\n\nRead this first.\n\n"
                 "::a1::A1? {=y ~n}\n\n::a2::A2? {=y ~n}\n")
    types = [q["type"] for q in start(quiz_client)["questions"]]
    assert sorted(types) == ["description", "single"]


def test_my_attempts_closes_expired_attempts(quiz_client, clock, db):
    attempt = start(quiz_client)
    clock.advance(hours=1)
    page = quiz_client.get("/my/attempts").get_data(as_text=True)
    assert "In progress" not in page
    db.session.expire_all()
    assert db.session.get(Attempt, attempt["id"]).state != "in_progress"


# ---- issue 11, item 21: rules no test pinned down ------------------------------------------------

def test_starting_again_while_a_one_attempt_exam_is_open_resumes_it(quiz_client, clock, quiz_content, db):
    quiz_content("every-type", quiz_file(kind="exam", attempts=1))
    first = quiz_client.api("POST", QUIZ + "/attempts")
    assert first.status_code == 201
    again = quiz_client.api("POST", QUIZ + "/attempts")
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["state"] == "in_progress"
    token = csrf_from(quiz_client, "/courses/qc/quizzes/every-type")
    page = quiz_client.post("/courses/qc/quizzes/every-type/start", data={"csrf_token": token})
    assert page.status_code == 302 and page.headers["Location"].endswith(f"/attempts/{first.get_json()['id']}")
    assert len(db.session.scalars(select(Attempt)).all()) == 1


@pytest.mark.parametrize("pass_percent, passed", [(50, True), (51, False)])
def test_a_score_exactly_at_the_pass_mark_passes(quiz_client, clock, quiz_content, pass_percent, passed):
    quiz_content("every-type", quiz_file(pass_percent=pass_percent))
    attempt = start(quiz_client)
    assert save(quiz_client, attempt, by_type(attempt)["true_false"], True).status_code == 200  # 1 of 2 points
    result = quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit").get_json()
    assert result["percent"] == 50.0 and result["passed"] is passed
