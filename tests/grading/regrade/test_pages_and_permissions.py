"""Who may accept and regrade (both ways), and the staff pages: list, preview, apply (PRG, CSRF)."""
from __future__ import annotations

from datetime import date, datetime, timezone

from learnhub.classes.exams.services import schedule_exam
from learnhub.classes.services import create_class
from learnhub.extensions import db
from tests.support.factories import enrol
from tests.support.grading_regrade import ACCEPT, PAGE, REGRADE, scores, sit, state_of_everything
from tests.support.web import api_client, csrf_from, login

BODY = {"response": "上党课", "dry_run": False}


def test_global_staff_instructors_and_admins_may(quiz_app, party):
    sit(party(), {"dk": "上党课"})
    for role in ("staff", "instructor", "admin"):
        client = api_client(quiz_app, party(role))
        assert client.api("POST", ACCEPT, {**BODY, "dry_run": True}).status_code == 200, role
        assert client.api("POST", REGRADE, {"dry_run": True}).status_code == 200, role
        assert client.get(PAGE + "/responses").status_code == 200, role
        assert client.get(PAGE + "/regrade").status_code == 200, role


def test_members_and_class_staff_may_not(quiz_app, party):
    """A class's head teacher and grader (global role member) are refused even for their own
    class's exam of the quiz: accepting changes every class's attempts."""
    attempt = sit(party(), {"dk": "上党课"})
    head, grader = party(), party()
    school_class = create_class(head, "Activists", "ACT-R", date(2026, 9, 1), date(2027, 1, 15),
                                course_slugs=["qc"])
    enrol(school_class, grader, "grader")
    schedule_exam(head, school_class, "qc", "party", datetime(2020, 1, 1, tzinfo=timezone.utc),
                  datetime(2100, 1, 1, tzinfo=timezone.utc))
    db.session.commit()
    before = state_of_everything()
    for user in (party(), head, grader, db.session.get(type(head), attempt.user_id)):
        client = api_client(quiz_app, user)
        assert client.api("POST", ACCEPT, BODY).status_code == 403
        assert client.api("POST", REGRADE, {"dry_run": False}).status_code == 403
        assert client.get(PAGE + "/responses").status_code == 403
        assert client.get(PAGE + "/regrade").status_code == 403
        token = csrf_from(client, "/account")
        assert client.post(PAGE + "/responses/accept", data={
            "csrf_token": token, "question": "1", "response": "上党课", "fraction": "1"}).status_code == 403
        assert client.post(PAGE + "/regrade", data={"csrf_token": token}).status_code == 403
    anonymous = quiz_app.test_client()
    assert anonymous.post(ACCEPT, json=BODY).status_code == 401
    assert anonymous.get(PAGE + "/responses").status_code == 302
    assert state_of_everything() == before


def test_the_page_lists_near_misses_previews_and_applies(quiz_app, party):
    near = [sit(party(), {"dk": spelling}) for spelling in ("上党课", "上党课 ", "上 党课")]
    sit(party(), {"dk": "党课"})
    client = quiz_app.test_client()
    assert login(client, party("instructor").username).status_code == 302
    page = client.get(PAGE + "/responses").get_data(as_text=True)
    assert "上党课" in page and "×2" in page and "×1" in page and "党课" in page
    assert "Question 1: dk" in page and "Question 3" in page
    before = scores()
    preview = client.get(PAGE + "/responses/preview", query_string={
        "question": "1", "response": "上党课", "fraction": "0.5"})
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "2 of 2 attempts change." in text and "0.5 / 3" in text
    assert scores() == before
    token = csrf_from(client, PAGE + "/responses")
    done = client.post(PAGE + "/responses/accept", data={
        "csrf_token": token, "question": "1", "response": "上党课", "fraction": "0.5"})
    assert done.status_code == 302 and done.headers["Location"].endswith(PAGE + "/responses")
    assert "2 of 2 attempts changed" in client.get(done.headers["Location"]).get_data(as_text=True)
    after = scores()
    assert [after[a.id][0] for a in near] == [0.5, 0.5, 0.0]
    # Without the CSRF token nothing happens.
    assert client.post(PAGE + "/responses/accept", data={
        "question": "3", "response": "x", "fraction": "1"}).status_code == 400


def test_the_page_refuses_bad_input_and_changes_nothing(quiz_app, party):
    sit(party(), {"dk": "上党课"})
    client = quiz_app.test_client()
    assert login(client, party("staff").username).status_code == 302
    token = csrf_from(client, PAGE + "/responses")
    before = state_of_everything()
    for data, status in [({"question": "1", "response": "上党课", "fraction": "1.5"}, 422),
                         ({"question": "1", "response": "上党课", "fraction": "abc"}, 422),
                         ({"question": "1", "response": " ", "fraction": "1"}, 422),
                         ({"question": "x", "response": "上党课", "fraction": "1"}, 422),
                         ({"question": "9", "response": "上党课", "fraction": "1"}, 404)]:
        posted = client.post(PAGE + "/responses/accept", data={"csrf_token": token, **data})
        assert posted.status_code == status, data
        assert 'role="alert"' in posted.get_data(as_text=True)
        assert client.get(PAGE + "/responses/preview", query_string=data).status_code == status
    assert state_of_everything() == before


def test_the_regrade_page_previews_then_applies(quiz_app, party, quiz_content):
    from learnhub.courses.catalog import get_catalog
    from learnhub.courses.index import sync_all
    from tests.support.grading_regrade import PARTY_QUIZ, SLUG

    attempt = sit(party(), {"dk": "上党课"})
    quiz_content(SLUG, PARTY_QUIZ.replace("{=党课}", "{=上党课}"))
    sync_all(db.session, get_catalog().tree())
    db.session.commit()
    client = quiz_app.test_client()
    assert login(client, party("staff").username).status_code == 302
    page = client.get(PAGE + "/regrade").get_data(as_text=True)
    assert "1 of 1 attempt changes." in page and "0 / 3" in page and "1 / 3" in page
    assert scores()[attempt.id][0] == 0.0
    token = csrf_from(client, PAGE + "/regrade")
    done = client.post(PAGE + "/regrade", data={"csrf_token": token})
    assert done.status_code == 302
    assert scores()[attempt.id][0] == 1.0
    assert "0 of 1 attempt changes." in client.get(PAGE + "/regrade").get_data(as_text=True)


def test_the_attempts_page_links_them_for_those_allowed(quiz_app, party):
    client = quiz_app.test_client()
    assert login(client, party("instructor").username).status_code == 302
    page = client.get(PAGE + "/attempts").get_data(as_text=True)
    assert PAGE + "/responses" in page and PAGE + "/regrade" in page
