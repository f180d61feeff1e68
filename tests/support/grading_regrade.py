"""Accepted responses and regrades in tests: a quiz with short answers, and members sitting it
through the quiz services (start, save, submit) with the responses a test chooses."""
from __future__ import annotations

from sqlalchemy import func, select

from learnhub.core.audit import AuditEntry
from learnhub.core.types import utcnow
from learnhub.courses.index import content_index
from learnhub.extensions import db
from learnhub.quizzes import attempts as rules
from learnhub.quizzes.accepted import AcceptedResponse
from learnhub.quizzes.loader import get_quiz_catalog
from learnhub.quizzes.models import Answer, Attempt

SLUG = "party"
# Question numbers in the file: 1 dk (short), 2 tf, 3 the untitled short one; a point each.
PARTY_QUIZ = """---
title: Party basics
pass_percent: 60
review: answers_after_submit
---
::dk::党员应当定期参加什么？ {=党课}

::tf::党费应当按时交纳。 {T}

What is the capital of China? {=Beijing}
"""
ACCEPT = f"/api/v1/courses/qc/quizzes/{SLUG}/questions/1/accept"
REGRADE = f"/api/v1/courses/qc/quizzes/{SLUG}/regrade"
PAGE = f"/courses/qc/quizzes/{SLUG}"


def sit(user, answers: dict, submit: bool = True, slug: str = SLUG) -> Attempt:
    """An attempt by `user` answering {question title, or 'capital' for the untitled one:
    response}; the others unanswered. Submitted (and graded) unless `submit` is false."""
    course = content_index().course("qc")
    quiz = get_quiz_catalog().get("qc", slug)
    now = utcnow()
    attempt, _created = rules.start_attempt(user, course, quiz, now)
    for attempt_question in attempt.questions:
        name = attempt_question.snapshot["title"] or "capital"
        if name in answers:
            rules.save_answer(attempt, attempt_question, answers[name], now)
    if submit:
        rules.submit_attempt(attempt, now)
    db.session.commit()
    return attempt


def answer_of(attempt: Attempt, title: str | None) -> Answer:
    question = next(q for q in attempt.questions if q.snapshot["title"] == title)
    return db.session.scalar(select(Answer).where(Answer.attempt_question_id == question.id))


def scores() -> dict[int, tuple]:
    """attempt id -> (score, percent, passed, state): what a change would touch."""
    db.session.expire_all()
    return {a.id: (a.score, a.percent, a.passed, a.state) for a in db.session.scalars(select(Attempt))}


def audit_count(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


def accepted_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AcceptedResponse))


def state_of_everything() -> tuple:
    """Scores, accepted responses and the audit log: a refused or previewed call changes none."""
    answers = {a.id: (a.fraction, a.points_awarded) for a in db.session.scalars(select(Answer))}
    return scores(), answers, accepted_count(), db.session.scalar(select(func.count()).select_from(AuditEntry))


# ---- the accessibility audit's data (tests/support/a11y_site.py) -----------------------------------

def a11y_near_miss(app) -> dict:
    """A member who wrote 'Pekin' for every-type's short question (number 4 in the file) in
    the a11y course: the near-miss page lists it and its preview has a row."""
    from learnhub.auth import services as auth_services
    from tests.support.web import PASSWORD

    with app.app_context():
        user = auth_services.create_user("nearmiss", PASSWORD, "member", "Wang Chadian")
        db.session.commit()
        course = content_index().course("a11y")
        quiz = get_quiz_catalog().get("a11y", "every-type")
        attempt, _created = rules.start_attempt(user, course, quiz, utcnow())
        short = next(q for q in attempt.questions if q.snapshot["type"] == "short")
        rules.save_answer(attempt, short, "Pekin", utcnow())
        rules.submit_attempt(attempt, utcnow())
        db.session.commit()
    return {}
