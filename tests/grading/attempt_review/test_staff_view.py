"""Issue 13, item 2: staff's view of an attempt (page and API): the member's name and number,
each response and key in words, points, save times; the member keeps what the review allows."""
from __future__ import annotations

import pytest

from learnhub.auth.models import User
from learnhub.classes.models import Membership
from learnhub.extensions import db
from tests.support.web import api_client


def _wrong_answers(attempt):
    q = {x["type"]: x for x in attempt["questions"]}
    shanghai = next(o["id"] for o in q["single"]["options"] if "Shanghai" in o["text_html"])
    return {"single": shanghai, "short": "=HYPERLINK(\"http://evil\")", "true_false": False,
            "essay": "I **studied** <script>alert(1)</script> hard."}


def test_staff_page_shows_the_member_each_response_and_key_in_words(review):
    attempt = review.sit()
    page = review.client("head").get(f"/attempts/{attempt['id']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "ann" in html and "2026001" in html and "Activists 2026" in html and "Keyed exam" in html
    # Responses in words, not ids: the option text, the pairs, the essay rendered.
    assert "Beijing" in html and "cat → meow" in html and "dog → woof" in html and "Some words." in html
    assert "Your answer" not in html
    for question in attempt["questions"]:
        for option in question.get("options") or []:
            if isinstance(option, dict) and "id" in option:
                assert option["id"] not in html
    # Points of the maximum, right/waiting at a glance (text, not colour only), save times.
    assert "1 of 1 points" in html and "Right" in html and "Waiting for grading" in html
    assert "– of 2 points" in html
    assert "Saved at" in html and "2026" in html
    # The integrity record in words, not the raw header.
    assert "iPhone · WeChat 8.0" in html and "Windows · Chrome 131" in html
    assert "MicroMessenger" not in html
    assert f"/classes/{review.school_class.id}/exams/{review.exam['id']}/results" in html


def test_wrong_and_partial_answers_and_essays_are_rendered_safely(review):
    attempt = review.sit(answers=_wrong_answers)
    html = review.client("grader").get(f"/attempts/{attempt['id']}").get_data(as_text=True)
    assert "Shanghai" in html and "Wrong" in html
    assert "<strong>studied</strong>" in html and "<script>alert(1)</script>" not in html
    assert "Not answered" in html or "No answer" in html


def test_staff_api_carries_names_responses_points_and_keys(review):
    attempt = review.sit(answers=_wrong_answers)
    body = review.client("head").api("GET", f"/api/v1/attempts/{attempt['id']}").get_json()
    assert body["username"] == "ann" and body["display_name"] == "ann" and body["student_no"] == "2026001"
    questions = {q["type"]: q for q in body["questions"]}
    assert questions["single"]["response"] != questions["single"]["correct_response"]
    assert questions["single"]["points_awarded"] == 0 and questions["single"]["max_points"] == 1
    assert questions["short"]["correct_response"] == "Beijing"
    assert questions["essay"]["points_awarded"] is None and questions["essay"]["max_points"] == 2
    assert "correct_response" in questions["matching"]
    integrity = body["integrity"]
    assert integrity["start_device"] == "iPhone · WeChat 8.0" and integrity["submit_device"] == "Windows · Chrome 131"
    assert integrity["focus_losses"] == 0 and integrity["finding"] is None
    head = review.client("head")
    head.post(f"/attempts/{attempt['id']}/findings", data={"csrf_token": head.csrf, "finding-reason": "Phone"})
    body = head.api("GET", f"/api/v1/attempts/{attempt['id']}").get_json()
    assert body["integrity"]["finding"]["reason"] == "Phone"


def test_the_member_still_sees_only_what_the_review_policy_allows(review, clock):
    attempt = review.sit(answers=_wrong_answers)
    ann = review.client("ann")
    body = ann.api("GET", f"/api/v1/attempts/{attempt['id']}").get_json()
    assert body["answers_shown"] is False
    assert "username" not in body and "student_no" not in body and "integrity" not in body
    assert all("correct_response" not in q and "response" not in q and "max_points" not in q
               for q in body["questions"])
    html = ann.get(f"/attempts/{attempt['id']}").get_data(as_text=True)
    assert "Right answer" not in html.replace("Right answers are not shown", "")
    assert "right answer" not in html and "Peking" not in html  # no key of any question
    assert "Integrity record" not in html and "2026001" not in html
    # Later (the exam closed; whatever the release says), still never the staff fields.
    review.later(clock, hours=3)
    body = review.client("ann").api("GET", f"/api/v1/attempts/{attempt['id']}").get_json()
    assert "username" not in body and "display_name" not in body
    assert all("response" not in q for q in body["questions"])


@pytest.mark.parametrize("who", ["bob", "otherhead", "anonymous"])
def test_outsiders_cannot_see_the_attempt(review, who):
    attempt = review.sit()
    # Take away the global reviewer role of the other class's head teacher: a class role is
    # all they have (staff and instructors of the school see every attempt by design).
    db.session.get(User, review.users["otherhead"].id).role = "member"
    db.session.commit()
    client = review.app.test_client() if who == "anonymous" else api_client(review.app, review.users[who])
    page = client.get(f"/attempts/{attempt['id']}")
    api = client.get(f"/api/v1/attempts/{attempt['id']}")
    export = client.get(f"/attempts/{attempt['id']}/export.xlsx")
    if who == "anonymous":
        assert page.status_code == 302 and "/login" in page.headers["Location"]
        assert api.status_code == 401 and export.status_code == 302
    else:
        assert (page.status_code, api.status_code, export.status_code) == (404, 404, 404)


def test_a_grader_of_another_class_with_only_a_class_role_cannot(review):
    attempt = review.sit()
    grader = review.users["grader"]
    # The grader of THIS class, made a plain member globally, still sees it through the class.
    db.session.get(User, grader.id).role = "member"
    db.session.commit()
    assert api_client(review.app, grader).get(f"/attempts/{attempt['id']}").status_code == 200
    # Moved to the other class: no longer.
    membership = db.session.query(Membership).filter_by(class_id=review.school_class.id, user_id=grader.id).one()
    membership.class_id = review.other_class.id
    db.session.commit()
    client = api_client(review.app, grader)
    assert client.get(f"/attempts/{attempt['id']}").status_code == 404
    assert client.get(f"/api/v1/attempts/{attempt['id']}").status_code == 404


def test_staff_see_an_attempt_in_progress_with_its_answers_so_far(review):
    attempt = review.sit(submit=False)
    html = review.client("head").get(f"/attempts/{attempt['id']}").get_data(as_text=True)
    assert "In progress" in html and "Beijing" in html and "Confirm the integrity finding" in html
