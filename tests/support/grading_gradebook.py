"""Gradebook tests' rows: a class's scheduled exams and members' attempts under them, written
as bare rows in the state a test needs (percent, state, time taken, reset), the way the quiz
engine leaves them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from learnhub.classes.exams.services import exam_key
from learnhub.extensions import db
from learnhub.quizzes.models import Attempt, Quiz

from .factories import add_exam

T = datetime(2026, 10, 1, 9, 0, tzinfo=timezone.utc)


def quiz_rows(count: int = 2) -> list[Quiz]:
    """`count` quiz rows of the synced content (any course: a bare exam row does not check)."""
    rows = db.session.scalars(select(Quiz).order_by(Quiz.id).limit(count)).all()
    assert len(rows) == count, "the content has fewer quizzes than the test needs"
    return list(rows)


def schedule(school_class, count: int = 1):
    """`count` exams of the class (bare rows on distinct quizzes), committed."""
    exams = [add_exam(school_class, quiz.id, T - timedelta(days=1), T + timedelta(days=30))
             for quiz in quiz_rows(count)]
    db.session.commit()
    return exams


def attempt(user, exam, percent: float | None, *, state: str = "submitted", minutes: float = 10,
            at: datetime | None = None, method: str = "highest", pass_percent: float = 60,
            reset: bool = False, max_score: float = 10.0) -> Attempt:
    """A finished attempt of `user` under `exam`: `percent` of `max_score`, taking `minutes`,
    submitted at `at` (default: a minute after the user's previous one)."""
    number = 1 + (db.session.scalar(select(func.count()).select_from(Attempt).where(
        Attempt.user_id == user.id, Attempt.quiz_id == exam.quiz_id)) or 0)
    at = at or T + timedelta(hours=number)
    row = Attempt(quiz_id=exam.quiz_id, user_id=user.id, number=number, state=state, seed=1,
                  quiz_checksum="x", settings={"grading": method, "pass_percent": pass_percent},
                  started_at=at - timedelta(minutes=minutes), submitted_at=at,
                  finished_by="member", schedule_key=exam_key(exam),
                  score=None if percent is None else round(percent * max_score / 100, 4),
                  max_score=max_score, percent=percent,
                  passed=None if percent is None or state == "needs_grading" else percent >= pass_percent,
                  reset_at=at + timedelta(days=1) if reset else None)
    db.session.add(row)
    db.session.commit()
    return row


def set_assignment(school_class, title: str = "心得体会", max_points: float = 20):
    """A reflection the class's head teacher sets (grading.assignments' service), committed."""
    from learnhub.grading.assignments.services import create_assignment

    row = create_assignment(school_class.head, school_class, title, "Write it.", "reflection",
                            T + timedelta(days=7), max_points)
    db.session.commit()
    return row


def hand_in(user, school_class, assignment, points: float | None = None, late: bool = False):
    """The member submits a text; graded with `points` by the head teacher when given."""
    from learnhub.grading.assignments.services import grade_submission
    from learnhub.grading.assignments.submissions import save_submission

    when = assignment.due_at + timedelta(days=1 if late else -1)
    submission = save_submission(user, school_class, assignment, "我的学习体会。", True, now=when)
    db.session.commit()
    if points is not None:
        grade_submission(school_class.head, submission.id, points, None, submission.version)
        db.session.commit()
    return submission
