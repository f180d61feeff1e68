"""Which attempts the figures are over, who may see them, and edge cases (n = 0, n = 1)."""
from __future__ import annotations

from datetime import date, datetime, timezone

from learnhub.classes.exams.services import exam_key, schedule_exam
from learnhub.classes.models import Membership
from learnhub.classes.services import create_class
from learnhub.extensions import db
from tests.support.grading_statistics import add_attempt, close

RIGHT = {"capital": 0, "two": 0, "tf": True, "short": "党课"}
WRONG = {"capital": 1, "two": 1, "tf": False, "short": None}


def _answers(right: int) -> dict:
    """The first `right` of the four questions right, the rest wrong."""
    return {title: (RIGHT if n < right else WRONG)[title] for n, title in enumerate(RIGHT)}


def _class_with_exam(stats, head, code):
    school_class = create_class(head, f"Class {code}", code, date(2026, 9, 1), date(2027, 1, 15), course_slugs=["qc"])
    exam = schedule_exam(head, school_class, "qc", "stats", datetime(2020, 1, 1, tzinfo=timezone.utc),
                         datetime(2100, 1, 1, tzinfo=timezone.utc))
    db.session.flush()
    return school_class, exam_key(exam)


def test_first_highest_last_and_all(stats):
    one, two = stats.user(), stats.user()
    for number, right in ((1, 1), (2, 4), (3, 2)):
        add_attempt(stats.row, stats.quiz, one, _answers(right), number=number)
    add_attempt(stats.row, stats.quiz, two, _answers(3), number=1)
    add_attempt(stats.row, stats.quiz, two, _answers(4), number=2, reset=True)          # reset: never counts
    add_attempt(stats.row, stats.quiz, two, _answers(4), number=3, state="needs_grading")  # no total yet
    add_attempt(stats.row, stats.quiz, two, _answers(4), number=4, state="in_progress")
    client = stats.client(stats.user("boss", "staff"))
    expected = {"first": (2, 50.0, 50.0), "highest": (2, 87.5, 87.5), "last": (2, 62.5, 62.5),
                "all": (4, 62.5, 62.5)}
    for which, (count, mean, median) in expected.items():
        body = client.api("GET", f"{stats.url}?attempts={which}").get_json()
        assert (body["attempts_count"], body["mean"], body["median"]) == (count, mean, median), which
    # Without ?attempts=: the quiz's grading method (highest), as Moodle does.
    assert client.api("GET", stats.url).get_json()["mean"] == 87.5
    page = client.get(f"{stats.page}?attempts=last")
    assert page.status_code == 200 and "62.5%" in page.get_data(as_text=True)


def test_bad_arguments_are_refused(stats):
    client = stats.client(stats.user("boss", "staff"))
    response = client.api("GET", f"{stats.url}?attempts=best")
    assert response.status_code == 422 and "attempts" in response.get_json()["error"]["fields"]
    assert client.api("GET", f"{stats.url}?class=abc").status_code == 422
    assert client.get(f"{stats.page}?attempts=best").status_code == 400
    assert client.get(f"{stats.page}?class=abc").status_code == 400
    assert client.api("GET", f"{stats.url}?class=999999").status_code == 404
    assert client.api("GET", "/api/v1/courses/qc/quizzes/nope/statistics").status_code == 404


def test_no_attempts_and_one_attempt_give_nulls_not_errors(stats):
    client = stats.client(stats.user("boss", "staff"))
    body = client.api("GET", stats.url).get_json()
    assert body["attempts_count"] == 0 and body["questions"] == []
    assert all(body[key] is None for key in ("mean", "median", "sd", "skewness", "kurtosis", "cic",
                                             "error_ratio", "standard_error"))
    assert client.get(stats.page).status_code == 200
    add_attempt(stats.row, stats.quiz, stats.user(), _answers(3))
    db.session.commit()
    body = client.api("GET", stats.url).get_json()
    assert (body["attempts_count"], body["mean"], body["median"]) == (1, 75.0, 75.0)
    assert all(body[key] is None for key in ("sd", "skewness", "kurtosis", "cic", "error_ratio",
                                             "standard_error"))
    capital = body["questions"][0]
    assert capital["facility"] == 100.0 and capital["sd"] is None and capital["discrimination_index"] is None
    assert client.get(stats.page).status_code == 200
    # Everyone the same: no spread, so no skewness or cic (no division by zero).
    add_attempt(stats.row, stats.quiz, stats.user(), _answers(3))
    add_attempt(stats.row, stats.quiz, stats.user(), _answers(3))
    db.session.commit()
    body = client.api("GET", stats.url).get_json()
    assert body["sd"] == 0.0 and body["skewness"] is None and body["cic"] is None


def test_class_narrowing_and_who_may_see(stats):
    head = stats.user("head", "staff")
    ours, our_key = _class_with_exam(stats, head, "OURS")
    theirs, their_key = _class_with_exam(stats, head, "THEIRS")
    for right in (4, 3):
        add_attempt(stats.row, stats.quiz, stats.user(), _answers(right), schedule_key=our_key)
    add_attempt(stats.row, stats.quiz, stats.user(), _answers(1), schedule_key=their_key)
    add_attempt(stats.row, stats.quiz, stats.user(), _answers(0))  # outside any class exam
    # A head teacher of OURS only (a member account made class staff directly: no global role).
    class_head = stats.user("classhead", "member")
    db.session.add(Membership(class_id=ours.id, user_id=class_head.id, role="head_teacher"))
    member = stats.user("plain", "member")
    db.session.add(Membership(class_id=theirs.id, user_id=class_head.id, role="member"))
    instructor = stats.user("teacher", "instructor")

    everyone = stats.client(instructor)
    assert everyone.api("GET", f"{stats.url}?attempts=all").get_json()["attempts_count"] == 4
    narrowed = everyone.api("GET", f"{stats.url}?attempts=all&class={ours.id}").get_json()
    assert (narrowed["attempts_count"], narrowed["mean"]) == (2, 87.5)
    assert everyone.api("GET", f"{stats.url}?class={theirs.id}").get_json()["attempts_count"] == 1

    staff = stats.client(class_head)
    mine = staff.api("GET", f"{stats.url}?attempts=all").get_json()  # their classes' exams only
    assert (mine["attempts_count"], mine["mean"]) == (2, 87.5)
    assert staff.api("GET", f"{stats.url}?class={ours.id}").get_json()["attempts_count"] == 2
    assert staff.api("GET", f"{stats.url}?class={theirs.id}").status_code == 403  # a member there
    other_class = create_class(head, "Third", "THIRD", date(2026, 9, 1), date(2027, 1, 15), course_slugs=["qc"])
    db.session.commit()
    assert staff.api("GET", f"{stats.url}?class={other_class.id}").status_code == 404
    page = staff.get(stats.page)
    assert page.status_code == 200 and "Class OURS" in page.get_data(as_text=True)
    assert "Class THEIRS" not in page.get_data(as_text=True)

    refused = stats.client(member)
    assert refused.api("GET", stats.url).status_code == 403
    assert refused.get(stats.page).status_code == 403


def test_same_statements_for_5_and_50_attempts(stats, count_queries):
    client = stats.client(stats.user("boss", "staff"))
    counts = []
    for total in (5, 50):
        while len(counts) * 0 + _attempts(stats) < total:
            add_attempt(stats.row, stats.quiz, stats.user(), _answers(_attempts(stats) % 5), seed=_attempts(stats))
        db.session.commit()
        with count_queries() as statements:
            assert client.api("GET", f"{stats.url}?attempts=all").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def _attempts(stats) -> int:
    from sqlalchemy import func, select

    from learnhub.quizzes.models import Attempt
    return db.session.scalar(select(func.count(Attempt.id)).where(Attempt.quiz_id == stats.row.id))


def test_page_highlights_questions_and_draws_a_histogram(stats):
    # tf right for everyone (facility 100%); capital right only for the weakest (negative index).
    rows = [{"capital": 1, "two": 0, "tf": True, "short": "党课"}, {"capital": 1, "two": 0, "tf": True, "short": None},
            {"capital": 1, "two": 1, "tf": True, "short": "党课"}, {"capital": 0, "two": 1, "tf": True, "short": None}]
    for answers in rows:
        add_attempt(stats.row, stats.quiz, stats.user(), answers)
    client = stats.client(stats.user("boss", "staff"))
    html = client.get(f"{stats.page}?attempts=all").get_data(as_text=True)
    assert "Almost everyone got it right: it does not tell members apart." in html
    assert "Negative discrimination" in html and "check the key" in html
    assert 'class="chart chart-histogram"' in html and "Coefficient of internal consistency" in html
    body = client.api("GET", f"{stats.url}?attempts=all").get_json()
    capital = next(q for q in body["questions"] if q["title"] == "capital")
    assert capital["discrimination_index"] < 0


def test_questions_drawn_at_random_are_over_the_attempts_that_had_them(stats, quiz_content):
    # Each attempt had two of the four questions (`draw: 2`): each question's figures are over
    # the attempts that had it; the totals are each attempt's own (percent of its maximum).
    from learnhub.courses.catalog import get_catalog
    from learnhub.courses.index import sync_all
    from tests.support.grading_statistics import STATS_QUIZ, quiz_parts
    quiz_content("drawn", STATS_QUIZ.replace("grading: highest", "grading: highest\ndraw: 2"))
    sync_all(db.session, get_catalog().tree())
    stats.row, stats.quiz = quiz_parts("drawn")
    url = stats.url.replace("/stats/", "/drawn/")
    papers = [{"capital": 0, "two": 0}, {"capital": 1, "tf": True}, {"two": 0, "short": "党课"},
              {"tf": False, "short": None}, {"capital": 0, "short": "党课"}, {"two": 1, "tf": True}]
    for answers in papers:
        add_attempt(stats.row, stats.quiz, stats.user(), answers)
    client = stats.client(stats.user("boss", "staff"))
    body = client.api("GET", f"{url}?attempts=all").get_json()
    assert body["attempts_count"] == 6
    totals = [100.0, 50.0, 100.0, 0.0, 100.0, 50.0]
    assert close(body["mean"], sum(totals) / 6)
    got = {q["title"]: q for q in body["questions"]}
    # capital: in papers 0, 1, 4 with marks 50, 0, 50 (percent units) and totals 100, 50, 100.
    from tests.support.grading_statistics import moodle_question
    expected = moodle_question([50.0, 0.0, 50.0], [100.0, 50.0, 100.0], 50.0)
    assert close(got["capital"]["facility"], expected["facility"])
    assert close(got["capital"]["sd"], expected["sd"])
    assert close(got["capital"]["discrimination_index"], expected["discrimination_index"])
    assert sum(r["count"] for r in got["capital"]["responses"]) == 3
