"""Issue 11, item 3: an attempt belongs to ONE class exam.

Ann is a member of class A (head teacher `head`) and was imported into class B (head teacher
`otherhead`); both classes schedule the same quiz. Her attempt is made under the exam she
names (or the only one open; two open and none named is 409 choose_exam), and follows that
exam's window, time limit and overrides only, for its whole life: B's head teacher cannot
shorten, extend or reset her attempt under A's exam, and each class's staff see the attempts
made under their exams. Item 9: usernames in the override and reset paths are case-insensitive.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learnhub.classes.exams.models import ExamOverride
from learnhub.classes.models import Membership
from learnhub.extensions import db
from learnhub.quizzes.models import Attempt
from tests.support.exams import EXAM_QUIZ, People, z
from tests.support.quizzes import T0

REVIEW_QUIZ = ("---\ntitle: Review exam\nkind: exam\nattempts: 1\nreview: answers_after_close\n"
               "closes_at: 2026-11-24 21:00\n---\n::tf::True? {T}\n")  # the file closes at T0 + 1h


class TwoClasses(People):
    """People, with Ann also a member of the other class and a quiz both classes schedule."""

    def __init__(self, app):
        super().__init__(app)
        db.session.add(Membership(class_id=self.other_class.id, user_id=self.users["ann"].id, role="member"))
        db.session.commit()

    def schedule_b(self, quiz="final", opens=T0, closes=T0 + timedelta(hours=2), **extra):
        response = self.client("otherhead").api("POST", self.b_url, {
            "course": "qc", "quiz": quiz, "opens_at": z(opens), "closes_at": z(closes), **extra})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    @property
    def b_url(self) -> str:
        return f"/api/v1/classes/{self.other_class.id}/exams"

    def start_under(self, exam_id, name="ann", quiz="final"):
        return self.client(name).api("POST", f"/api/v1/courses/qc/quizzes/{quiz}/attempts", {"exam": exam_id})


@pytest.fixture
def two(quiz_app, quiz_content, clock):
    quiz_content("final", EXAM_QUIZ)
    quiz_content("keyed", REVIEW_QUIZ)
    return TwoClasses(quiz_app)


def attempts_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Attempt))


# ---- choosing the exam -----------------------------------------------------------------------------

def test_two_open_exams_and_none_named_is_409_choose_exam(two):
    a = two.schedule(time_limit_seconds=1200)
    b = two.schedule_b()
    response = two.start("ann")
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "choose_exam" and error["message"]
    assert error["exams"] == [
        {"id": a["id"], "class": {"id": two.school_class.id, "name": "Activists 2026"}, "title": "Final exam"},
        {"id": b["id"], "class": {"id": two.other_class.id, "name": "Other"}, "title": "Final exam"}]
    assert attempts_count() == 0
    # An empty body, or "exam": null, names none either.
    assert two.client("ann").api("POST", "/api/v1/courses/qc/quizzes/final/attempts", {"exam": None}).status_code == 409
    # Bob is only in class A: one exam open, nothing to choose.
    assert two.start("bob").status_code == 201


def test_the_only_open_exam_is_used_when_none_is_named(two, clock):
    a = two.schedule()
    two.schedule_b(opens=T0 + timedelta(days=1), closes=T0 + timedelta(days=1, hours=2))
    started = two.start("ann")
    assert started.status_code == 201
    attempt = db.session.get(Attempt, started.get_json()["id"])
    assert attempt.settings["schedule"]["id"] == a["id"]


def test_the_named_exam_must_be_one_of_the_callers_exams_of_this_quiz(two, quiz_content):
    quiz_content("other", EXAM_QUIZ.replace("Final exam", "Other exam"))
    a = two.schedule()
    other_quiz = two.schedule(quiz="other")
    outsider_class_exam = two.schedule_b()
    for exam_id in (other_quiz["id"], 999_999, 0, -3, True, "1", 1.5, [a["id"]]):
        response = two.start_under(exam_id, name="bob")  # bob is not in class B
        error = response.get_json()["error"]
        assert response.status_code == 422 and error["code"] == "invalid_field", exam_id
        assert "exam" in error["message"]
    assert two.start_under(outsider_class_exam["id"], name="bob").get_json()["error"]["fields"] == {
        "exam": "'exam' is not one of your scheduled exams of this quiz."}
    assert attempts_count() == 0
    assert two.start_under(a["id"], name="bob").status_code == 201


def test_resuming_the_open_attempt_and_naming_another_exam(two):
    a, b = two.schedule(), two.schedule_b()
    first = two.start_under(a["id"])
    assert first.status_code == 201
    attempt_id = first.get_json()["id"]
    assert two.start("ann").status_code == 200 and two.start("ann").get_json()["id"] == attempt_id
    assert two.start_under(a["id"]).status_code == 200
    other = two.start_under(b["id"])
    assert other.status_code == 409 and other.get_json()["error"]["code"] == "attempt_open"
    assert attempts_count() == 1


# ---- the attempt follows its own exam only -----------------------------------------------------------

def test_another_class_cannot_change_the_members_exam(two, clock):
    a = two.schedule(time_limit_seconds=1800)
    b = two.schedule_b()
    # B's head teacher tries everything on B's exam: a 1-second limit, extra attempts, a window.
    assert two.client("otherhead").api("PUT", f"{two.b_url}/{b['id']}/overrides/ann", {
        "reason": "x", "time_limit_seconds": 1, "extra_attempts": 5,
        "opens_at": z(T0 - timedelta(days=30)), "closes_at": z(T0 + timedelta(days=30))}).status_code == 200
    started = two.start_under(a["id"])
    assert started.status_code == 201 and started.get_json()["exam"] == a["id"]
    assert started.get_json()["deadline"] == z(T0 + timedelta(seconds=1800))  # A's limit, not 1 s
    attempt = db.session.get(Attempt, started.get_json()["id"])
    two.submit("ann", attempt.id)
    # A allows one attempt: B's extra attempts are B's, not A's.
    again = two.start_under(a["id"])
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "no_attempts_left"
    detail = two.client("ann").api("GET", f"/api/v1/courses/qc/quizzes/final?exam={a['id']}").get_json()
    assert (detail["attempts_used"], detail["attempts_allowed"]) == (1, 1)
    # B's own exam has its own allowance and its override's limit.
    under_b = two.start_under(b["id"])
    assert under_b.status_code == 201 and under_b.get_json()["deadline"] == z(T0 + timedelta(seconds=1))
    detail = two.client("ann").api("GET", f"/api/v1/courses/qc/quizzes/final?exam={b['id']}").get_json()
    assert (detail["attempts_used"], detail["attempts_allowed"]) == (1, 6)


def test_a_closed_named_exam_refuses_even_if_another_is_open(two, clock):
    a = two.schedule(opens=T0 - timedelta(hours=3), closes=T0 - timedelta(hours=1))
    two.schedule_b()
    refused = two.start_under(a["id"])
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "quiz_closed"
    assert attempts_count() == 0


def test_answers_after_close_follow_the_attempts_own_exam(two, clock):
    a = two.schedule(quiz="keyed", closes=T0 + timedelta(hours=1))
    b = two.schedule_b(quiz="keyed", closes=T0 + timedelta(hours=5))
    # B's head teacher gives Ann a far later window on B's exam: A's review must not wait for it.
    assert two.client("otherhead").api("PUT", f"{two.b_url}/{b['id']}/overrides/ann", {
        "reason": "x", "closes_at": z(T0 + timedelta(days=300))}).status_code == 200
    started = two.start_under(a["id"], quiz="keyed").get_json()
    two.submit("ann", started["id"])
    view = lambda: two.client("ann").api("GET", f"/api/v1/attempts/{started['id']}").get_json()
    assert view()["answers_shown"] is False
    two.later(clock, hours=1, minutes=1)  # A closed (and its grace passed); B is still open
    assert view()["answers_shown"] is True


# ---- each class's staff, both ways ----------------------------------------------------------------------

def test_each_class_resets_only_its_own_exams_attempts(two):
    a, b = two.schedule(), two.schedule_b()
    under_a = two.start_under(a["id"]).get_json()["id"]
    two.submit("ann", under_a)
    under_b = two.start_under(b["id"]).get_json()["id"]
    two.submit("ann", under_b)
    b_reset = two.client("otherhead").api("POST", f"{two.b_url}/{b['id']}/resets/ann", {"reason": "x"})
    assert b_reset.status_code == 200 and b_reset.get_json()["attempts"] == [under_b]
    # B's head teacher has no hand on class A's exam.
    for method, path, body in (
            ("POST", f"{two.exams_url}/{a['id']}/resets/ann", {"reason": "x"}),
            ("PUT", f"{two.exams_url}/{a['id']}/overrides/ann", {"reason": "x", "extra_attempts": 1}),
            ("PATCH", f"{two.exams_url}/{a['id']}", {"time_limit_seconds": 1}),
            ("POST", f"{two.b_url}/{a['id']}/resets/ann", {"reason": "x"}),  # A's exam through B's class
            ("PUT", f"{two.b_url}/{a['id']}/overrides/ann", {"reason": "x", "time_limit_seconds": 1})):
        assert two.client("otherhead").api(method, path, body).status_code in (403, 404), path
    db.session.expire_all()
    assert db.session.get(Attempt, under_a).reset_at is None
    assert db.session.scalar(select(func.count()).select_from(ExamOverride)) == 0
    a_reset = two.client("head").api("POST", f"{two.exams_url}/{a['id']}/resets/ann", {"reason": "x"})
    assert a_reset.status_code == 200 and a_reset.get_json()["attempts"] == [under_a]
    # A member or A's grader may not reset.
    for name in ("bob", "grader"):
        assert two.client(name).api("POST", f"{two.exams_url}/{a['id']}/resets/ann",
                                    {"reason": "x"}).status_code in (403, 404)


def test_each_class_staff_see_the_attempts_under_their_exams_on_the_exam_page(two):
    a, b = two.schedule(), two.schedule_b()
    under_a = two.start_under(a["id"]).get_json()["id"]
    two.submit("ann", under_a)
    under_b = two.start_under(b["id"]).get_json()["id"]
    a_page = two.client("head").get(f"/classes/{two.school_class.id}/exams/{a['id']}").get_data(as_text=True)
    b_page = two.client("otherhead").get(f"/classes/{two.other_class.id}/exams/{b['id']}").get_data(as_text=True)
    assert "Attempts at this exam" in a_page and f'href="/attempts/{under_a}"' in a_page
    assert f'href="/attempts/{under_b}"' not in a_page
    assert f'href="/attempts/{under_b}"' in b_page and f'href="/attempts/{under_a}"' not in b_page
    # Neither head teacher opens the other class's exam page; members and graders neither.
    assert two.client("otherhead").get(f"/classes/{two.school_class.id}/exams/{a['id']}").status_code in (403, 404)
    assert two.client("head").get(f"/classes/{two.other_class.id}/exams/{b['id']}").status_code in (403, 404)
    assert two.client("ann").get(f"/classes/{two.school_class.id}/exams/{a['id']}").status_code == 403


def test_class_staff_may_view_attempts_under_their_exam_whatever_their_global_role(two):
    from learnhub.auth.models import User

    a = two.schedule()
    two.schedule_b()  # the other class's exam of the same quiz
    under_a = two.start_under(a["id"]).get_json()["id"]
    two.submit("ann", under_a)
    # Make both head teachers plain members globally: only the class policy lets them in.
    for name in ("head", "otherhead"):
        db.session.get(User, two.users[name].id).role = "member"
    db.session.commit()
    assert two.client("head").api("GET", f"/api/v1/attempts/{under_a}").status_code == 200
    assert two.client("otherhead").api("GET", f"/api/v1/attempts/{under_a}").status_code == 404
    assert two.client("bob").api("GET", f"/api/v1/attempts/{under_a}").status_code == 404


# ---- pages ---------------------------------------------------------------------------------------------

def test_the_quiz_page_asks_which_exam_and_starts_under_the_one_chosen(two):
    a, b = two.schedule(time_limit_seconds=600), two.schedule_b()
    ann = two.client("ann")
    intro = ann.get("/courses/qc/quizzes/final").get_data(as_text=True)
    assert "Choose your exam" in intro and "Start the attempt" not in intro
    assert f'href="/courses/qc/quizzes/final?exam={a["id"]}"' in intro
    assert f'href="/courses/qc/quizzes/final?exam={b["id"]}"' in intro
    refused = ann.post("/courses/qc/quizzes/final/start", data={"csrf_token": ann.csrf})
    assert refused.status_code == 302 and attempts_count() == 0
    assert "choose the exam" in ann.get(refused.headers["Location"]).get_data(as_text=True)
    chosen = ann.get(f"/courses/qc/quizzes/final?exam={a['id']}").get_data(as_text=True)
    assert "Activists 2026" in chosen and "10 minutes" in chosen
    assert f'<input type="hidden" name="exam" value="{a["id"]}">' in chosen
    started = ann.post("/courses/qc/quizzes/final/start", data={"csrf_token": ann.csrf, "exam": str(a["id"])})
    assert started.status_code == 302 and "/attempts/" in started.headers["Location"]
    attempt = db.session.scalar(select(Attempt))
    assert attempt.settings["schedule"]["id"] == a["id"]
    assert attempt.deadline == T0 + timedelta(minutes=10)


def test_the_start_form_refuses_an_exam_that_is_not_the_members(two):
    two.schedule()
    b = two.schedule_b()
    bob = two.client("bob")
    for value in (str(b["id"]), "abc", "-1"):
        response = bob.post("/courses/qc/quizzes/final/start", data={"csrf_token": bob.csrf, "exam": value})
        assert response.status_code == 302 and "/attempts/" not in response.headers["Location"]
    assert attempts_count() == 0


def test_class_exam_pages_link_to_the_quiz_with_the_exam_named(two):
    a, b = two.schedule(), two.schedule_b()
    for url, exam in ((f"/classes/{two.school_class.id}/exams", a), (f"/classes/{two.other_class.id}/exams", b),
                      (f"/classes/{two.school_class.id}", a)):
        page = two.client("ann").get(url).get_data(as_text=True)
        assert f'href="/courses/qc/quizzes/final?exam={exam["id"]}"' in page, url
    home = two.client("ann").get("/").get_data(as_text=True)
    assert f'?exam={a["id"]}"' in home and f'?exam={b["id"]}"' in home


def test_my_status_counts_only_the_attempts_under_each_exam(two):
    a, b = two.schedule(), two.schedule_b()
    two.submit("ann", two.start_under(a["id"]).get_json()["id"])
    items = {i["id"]: i["my_status"] for i in two.client("ann").api("GET", "/api/v1/me/exams").get_json()["items"]}
    assert items == {a["id"]: "submitted", b["id"]: "open"}


# ---- item 9: usernames in the override and reset paths -----------------------------------------------

def test_override_and_reset_paths_take_usernames_in_any_case(two):
    a = two.schedule()
    response = two.override(a["id"], username="ANN", extra_attempts=1)
    assert response.status_code == 200 and response.get_json()["username"] == "ann"
    override = db.session.scalar(select(ExamOverride))
    assert override.user_id == two.users["ann"].id
    two.submit("ann", two.start_under(a["id"]).get_json()["id"])
    reset = two.client("head").api("POST", f"{two.exams_url}/{a['id']}/resets/Ann", {"reason": "x"})
    assert reset.status_code == 200 and reset.get_json()["username"] == "ann" and reset.get_json()["reset"] == 1
    assert two.override(a["id"], username="NOBODY", extra_attempts=1).status_code == 404


def test_override_form_takes_usernames_in_any_case(two):
    a = two.schedule()
    head = two.client("head")
    saved = head.post(f"/classes/{two.school_class.id}/exams/{a['id']}/overrides", data={
        "csrf_token": head.csrf, "override-username": "ANN", "override-extra_attempts": "2",
        "override-reason": "Ill"})
    assert saved.status_code == 302
    assert db.session.scalar(select(ExamOverride.user_id)) == two.users["ann"].id


# ---- concurrent starts naming different exams -----------------------------------------------------------

def test_concurrent_starts_under_two_exams_never_hand_back_the_other_exams_attempt(two, quiz_app):
    from learnhub.auth.models import User
    from learnhub.courses.index import content_index
    from learnhub.quizzes import attempts as rules
    from learnhub.quizzes.loader import get_quiz_catalog
    from tests.support.threads import THREADS, run_in_threads

    a, b = two.schedule(), two.schedule_b()
    user_id = two.users["ann"].id
    turn = iter(range(THREADS * 2))

    def start():
        exam_id = a["id"] if next(turn) % 2 else b["id"]
        user = db.session.get(User, user_id)
        try:
            attempt, _created = rules.start_attempt(user, content_index().course("qc"),
                                                    get_quiz_catalog().get("qc", "final"), T0, exam=exam_id)
        except rules.OtherAttemptOpen:
            db.session.rollback()
            return exam_id, None
        made_under = attempt.settings["schedule"]["id"]
        attempt_id = attempt.id
        db.session.commit()
        return exam_id, (attempt_id, made_under)

    results = run_in_threads(quiz_app, start)
    started = [(named, got) for named, got in results if got is not None]
    assert started and all(named == made_under for named, (_id, made_under) in started)
    assert len({attempt_id for _named, (attempt_id, _exam) in started}) == 1
    assert attempts_count() == 1


def test_another_class_exam_requiring_courses_does_not_lock_the_exam_named(two):
    """B's "complete the courses first" applies to starts under B's exam only: Ann, who has
    not completed the course, may start under A's exam while B's is open too."""
    exam_a = two.schedule()
    exam_b = two.schedule_b(requires_courses_complete=True)
    locked = two.start_under(exam_b["id"])
    assert locked.status_code == 403 and locked.get_json()["error"]["code"] == "locked"
    page = two.client("ann").get(f"/courses/qc/quizzes/final?exam={exam_a['id']}").get_data(as_text=True)
    assert "Locked" not in page
    started = two.start_under(exam_a["id"])
    assert started.status_code == 201, started.get_json()
    assert started.get_json()["exam"] == exam_a["id"]
