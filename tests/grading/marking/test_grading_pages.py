"""The grading pages: the queue by question, ten at a time, blind by default, one submit for
the page (a stale item reported and not saved, the others saved), the override form, the panel."""
from __future__ import annotations

import re

from learnhub.extensions import db
from learnhub.grading.marking.services import question_group_key
from learnhub.quizzes.models import Attempt, AttemptQuestion
from tests.support.grading_marking import answer_of


def _group(attempt_id) -> str:
    essay = answer_of(attempt_id, "essay")
    attempt_question = db.session.get(AttemptQuestion, essay.attempt_question_id)
    return question_group_key(db.session.get(Attempt, attempt_id).quiz_id, attempt_question.snapshot)


def _names(marking):
    marking.users["ann"].display_name = "张三丰"
    marking.users["bob"].display_name = "李四光"
    db.session.commit()


def _post(marking, name, url, data):
    client = marking.client(name)
    return client.post(url, data={"csrf_token": client.csrf, **data})


def test_the_overview_groups_by_question_with_counts(marking):
    first = marking.sit("ann")
    marking.sit("bob")
    page = marking.client("grader").get(f"/classes/{marking.school_class.id}/grading")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Essay exam" in html
    assert f"/grading/{_group(first)}" in html and "2 answers wait." in html


def test_graders_see_answer_n_of_m_without_names_the_head_teacher_may_reveal(marking):
    _names(marking)
    first = marking.sit("ann", essay="安的答案")
    marking.sit("bob", essay="鲍的答案")
    url = f"/classes/{marking.school_class.id}/grading/{_group(first)}"
    blind = marking.client("grader").get(url).get_data(as_text=True)
    assert "Answer 1 of 2" in blind and "Answer 2 of 2" in blind
    assert "安的答案" in blind and "鲍的答案" in blind
    assert "张三丰" not in blind and "李四光" not in blind and "(ann)" not in blind
    assert marking.client("grader").get(url + "?names=1").status_code == 403
    assert "张三丰" not in marking.client("head").get(url).get_data(as_text=True)
    named = marking.client("head").get(url + "?names=1").get_data(as_text=True)
    assert "张三丰 (ann)" in named and "李四光 (bob)" in named


def test_the_order_is_random_per_grader_but_stable_on_reload(marking):
    first = marking.sit("ann", essay="A-answer")
    marking.sit("bob", essay="B-answer")
    url = f"/classes/{marking.school_class.id}/grading/{_group(first)}"

    def order(name):
        html = marking.client(name).get(url).get_data(as_text=True)
        return [m for m in re.findall(r"[AB]-answer", html)]

    assert order("grader") == order("grader") and sorted(order("grader")) == ["A-answer", "B-answer"]


def test_one_submit_saves_the_page_a_stale_item_is_reported_and_not_saved(marking):
    first, second = marking.sit("ann"), marking.sit("bob")
    ann, bob = answer_of(first, "essay"), answer_of(second, "essay")
    url = f"/classes/{marking.school_class.id}/grading/{_group(first)}"
    # Another grader saves bob's answer after the page was shown (its version is now 2).
    assert marking.client("head").api("PUT", f"/api/v1/answers/{bob.id}/grade",
                                      {"points": 4, "version": 1}).status_code == 200
    response = _post(marking, "grader", url, {
        "item": [f"answer-{ann.id}", f"answer-{bob.id}"],
        f"points-answer-{ann.id}": "9", f"comment-answer-{ann.id}": "很好", f"version-answer-{ann.id}": "1",
        f"points-answer-{bob.id}": "1", f"version-answer-{bob.id}": "1"})
    assert response.status_code == 200
    assert "1 answer was not saved" in response.get_data(as_text=True)
    assert (answer_of(first, "essay").points_awarded, answer_of(first, "essay").grader_comment) == (9, "很好")
    assert answer_of(second, "essay").points_awarded == 4  # the head teacher's grade stands
    db.session.expire_all()
    assert db.session.get(Attempt, first).state == "graded"


def test_a_whole_page_saved_goes_back_to_the_overview_blank_points_stay_waiting(marking):
    first, second = marking.sit("ann"), marking.sit("bob")
    ann, bob = answer_of(first, "essay"), answer_of(second, "essay")
    url = f"/classes/{marking.school_class.id}/grading/{_group(first)}"
    response = _post(marking, "grader", url, {
        "item": [f"answer-{ann.id}", f"answer-{bob.id}"],
        f"points-answer-{ann.id}": "10", f"version-answer-{ann.id}": "1",
        f"points-answer-{bob.id}": "", f"version-answer-{bob.id}": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    assert answer_of(second, "essay").fraction is None
    response = _post(marking, "grader", url, {"item": [f"answer-{bob.id}"],
                                              f"points-answer-{bob.id}": "0", f"version-answer-{bob.id}": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/grading")


def test_bad_points_on_the_page_are_reported_and_change_nothing(marking):
    first = marking.sit("ann")
    ann = answer_of(first, "essay")
    url = f"/classes/{marking.school_class.id}/grading/{_group(first)}"
    for points in ("11", "-1", "nan", "abc"):
        response = _post(marking, "grader", url, {"item": [f"answer-{ann.id}"],
                                                  f"points-answer-{ann.id}": points, f"version-answer-{ann.id}": "1"})
        assert response.status_code == 200 and "from 0 to 10" in response.get_data(as_text=True), points
    assert answer_of(first, "essay").fraction is None


def test_members_and_other_classes_staff_cannot_open_or_post_the_queue(marking, quiz_app):
    first = marking.sit("ann")
    ann = answer_of(first, "essay")
    base = f"/classes/{marking.school_class.id}/grading"
    url = f"{base}/{_group(first)}"
    assert marking.client("ann").get(base).status_code == 403
    assert marking.client("otherhead").get(base).status_code == 404
    assert marking.client("otherhead").get(url).status_code == 404
    assert _post(marking, "ann", url, {"item": [f"answer-{ann.id}"], f"points-answer-{ann.id}": "10",
                                       f"version-answer-{ann.id}": "1"}).status_code == 403
    assert quiz_app.test_client().get(base).status_code == 302  # to the login page
    assert answer_of(first, "essay").fraction is None


def test_staff_override_form_route(marking):
    first = marking.sit("ann", tf=True)
    tf = answer_of(first, "true_false")
    url = f"/answers/{tf.id}/grade"
    refused = _post(marking, "head", url, {"points": "0", "version": "1"})
    assert refused.status_code == 422 and answer_of(first, "true_false").fraction == 1.0
    done = _post(marking, "head", url, {"points": "0", "version": "1", "reason": "答案有争议",
                                        "next": f"/attempts/{first}"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/attempts/{first}")
    assert answer_of(first, "true_false").fraction == 0.0
    assert _post(marking, "ann", url, {"points": "1", "version": "2", "reason": "x"}).status_code == 403
    assert _post(marking, "otherhead", url, {"points": "1", "version": "2", "reason": "x"}).status_code == 403


def test_the_class_page_panel_counts_what_waits_for_its_staff_only(marking):
    marking.sit("ann")
    page = f"/classes/{marking.school_class.id}"
    assert "1 answer waits for grading." in marking.client("grader").get(page).get_data(as_text=True)
    member_page = marking.client("bob").get(page).get_data(as_text=True)
    assert "waits for grading" not in member_page and "/grading" not in member_page
