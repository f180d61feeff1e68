"""The one score formula: an attempt's score, percent, pass and state from its stored answers.

Auto-grading (quizzes.submitting), manual grading and regrades (grading/) all end here,
so a score is never computed two ways."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from .grading import question_of
from .models import Answer, Attempt


@dataclass(frozen=True)
class Score:
    """What the formula sets on an attempt."""

    score: float
    max_score: float
    percent: float
    passed: bool | None
    state: str


def score_of(questions, answers: dict, settings: dict, state: str, *, by_staff: bool = False) -> Score:
    """The formula, from the attempt's questions (in any form question_of reads), its answers
    (attempt_question_id -> anything with `fraction` and `points_awarded`), its settings
    snapshot and its state now (see rescore)."""
    score = max_score = 0.0
    pending = False
    for attempt_question in questions:
        if question_of(attempt_question).type == "description":
            continue
        max_score += attempt_question.points
        answer = answers.get(attempt_question.id)
        if answer is None or answer.fraction is None:
            pending = True
        else:
            score += answer.points_awarded or 0.0
    percent = round(100 * score / max_score, 2) if max_score else 0.0
    if pending:
        return Score(round(score, 4), round(max_score, 4), percent, None, "needs_grading")
    return Score(round(score, 4), round(max_score, 4), percent, percent >= settings.get("pass_percent", 60),
                 "graded" if by_staff or state == "graded" else "submitted")


def rescore(attempt: Attempt, answers: dict[int, Answer] | None = None, *, by_staff: bool = False) -> None:
    """Set score, max_score, percent, passed and state from the answers' points (flush only).

    An answer whose fraction is None still waits for a grader: the attempt `needs_grading`
    and has no pass yet. Otherwise it is `graded` when staff graded or regraded something
    (`by_staff`, or it was `graded` already) and `submitted` when everything was automatic.
    `answers`: attempt_question_id -> Answer, loaded here when not given."""
    if answers is None:
        answers = {a.attempt_question_id: a for a in db.session.scalars(
            select(Answer).where(Answer.attempt_id == attempt.id))}
    result = score_of(attempt.questions, answers, attempt.settings, attempt.state, by_staff=by_staff)
    attempt.score, attempt.max_score, attempt.percent = result.score, result.max_score, result.percent
    attempt.state, attempt.passed = result.state, result.passed
    db.session.flush()
