"""The one score formula: an attempt's score, percent, pass and state from its stored answers.

Auto-grading (attempts.grade_attempt), manual grading and regrades (grading/) all end here,
so a score is never computed two ways."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .grading import question_of
from .models import Answer, Attempt


def rescore(attempt: Attempt, answers: dict[int, Answer] | None = None, *, by_staff: bool = False) -> None:
    """Set score, max_score, percent, passed and state from the answers' points (flush only).

    An answer whose fraction is None still waits for a grader: the attempt `needs_grading`
    and has no pass yet. Otherwise it is `graded` when staff graded or regraded something
    (`by_staff`, or it was `graded` already) and `submitted` when everything was automatic.
    `answers`: attempt_question_id -> Answer, loaded here when not given."""
    if answers is None:
        answers = {a.attempt_question_id: a for a in db.session.scalars(
            select(Answer).where(Answer.attempt_id == attempt.id))}
    score = max_score = 0.0
    pending = False
    for attempt_question in attempt.questions:
        if question_of(attempt_question).type == "description":
            continue
        max_score += attempt_question.points
        answer = answers.get(attempt_question.id)
        if answer is None or answer.fraction is None:
            pending = True
        else:
            score += answer.points_awarded or 0.0
    attempt.score = round(score, 4)
    attempt.max_score = round(max_score, 4)
    attempt.percent = round(100 * score / max_score, 2) if max_score else 0.0
    if pending:
        attempt.state, attempt.passed = "needs_grading", None
    else:
        attempt.state = "graded" if by_staff or attempt.state == "graded" else "submitted"
        attempt.passed = attempt.percent >= attempt.settings.get("pass_percent", 60)
    db.session.flush()
