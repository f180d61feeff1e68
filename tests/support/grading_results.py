"""Results tests: a class exam and members' attempts under it written as bare rows in the
state a test needs (percent, state, time taken, reset), as the quiz engine leaves them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from learnhub.classes.exams.services import exam_key
from learnhub.classes.models import Membership
from learnhub.extensions import db
from learnhub.quizzes.models import Attempt, Quiz

from .factories import add_exam
from .web import api_client

T = datetime(2026, 10, 1, 9, 0, tzinfo=timezone.utc)


def exam_of(school_class, release: str = "immediately", release_at: datetime | None = None):
    """An exam of the class on the content's first quiz (a bare row), committed."""
    quiz = db.session.scalars(select(Quiz).order_by(Quiz.id).limit(1)).one()
    exam = add_exam(school_class, quiz.id, T - timedelta(days=1), T + timedelta(days=30))
    exam.release, exam.release_at = release, release_at
    db.session.commit()
    return exam


def number(school_class, user, student_no: str) -> None:
    db.session.scalars(select(Membership).where(Membership.class_id == school_class.id,
                                                Membership.user_id == user.id)).one().student_no = student_no
    db.session.commit()


def attempt(user, exam, percent: float | None, *, state: str = "submitted", minutes: float = 10,
            method: str = "highest", pass_percent: float = 60, reset: bool = False,
            max_score: float = 10.0) -> Attempt:
    """An attempt of `user` under `exam` (in_progress has no submit time nor score)."""
    number = 1 + (db.session.scalar(select(func.count()).select_from(Attempt).where(
        Attempt.user_id == user.id, Attempt.quiz_id == exam.quiz_id)) or 0)
    at = T + timedelta(hours=number)
    finished = state != "in_progress"
    row = Attempt(quiz_id=exam.quiz_id, user_id=user.id, number=number, state=state, seed=1,
                  quiz_checksum="x", settings={"grading": method, "pass_percent": pass_percent,
                                               "title": "Exam", "review": "answers_after_submit"},
                  started_at=at - timedelta(minutes=minutes), submitted_at=at if finished else None,
                  finished_by="member" if finished else None, schedule_key=exam_key(exam),
                  score=None if percent is None else round(percent * max_score / 100, 4),
                  max_score=max_score if finished else None, percent=percent,
                  passed=None if percent is None or state == "needs_grading" else percent >= pass_percent,
                  reset_at=at + timedelta(days=1) if reset else None)
    db.session.add(row)
    db.session.commit()
    return row


def finish_grading(row: Attempt, percent: float) -> None:
    """What manual grading ends with: the attempt graded, its signal sent (as marking does)."""
    from flask import current_app

    from learnhub.core.signals import attempt_graded

    db.session.expire_all()  # what other requests (the API clients) committed
    row.state, row.percent, row.score = "graded", percent, percent / 10
    row.passed = percent >= 60
    attempt_graded.send(current_app._get_current_object(), attempt=row)
    db.session.commit()


def clients(app, *users):
    return [api_client(app, user) for user in users]


def results_url(exam) -> str:
    return f"/api/v1/classes/{exam.class_id}/exams/{exam.id}/results"


def page_url(exam) -> str:
    return f"/classes/{exam.class_id}/exams/{exam.id}/results"
