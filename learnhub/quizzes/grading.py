"""Grading an attempt's objective answers, and what its review may show."""
from __future__ import annotations

from datetime import datetime, timedelta

from .accepted import accepted_fraction
from .questions import Question
from .types import question_type


def question_of(attempt_question) -> Question:
    """The question an attempt question's snapshot holds (one just started carries it parsed)."""
    parsed = getattr(attempt_question, "question", None)
    return parsed if parsed is not None else Question.from_dict(attempt_question.snapshot)


def grade_answer(question: Question, attempt_question, response,
                 accepted: dict | None = None) -> tuple[float | None, float | None]:
    """(fraction, points) for one answer; (None, None) when staff must grade it.
    `accepted`: the quiz's accepted responses (accepted.accepted_responses, loaded once per
    attempt): a short answer earns the better of the key's credit and the accepted one."""
    if question.manual or question.type == "description":
        return None, None
    fraction = question_type(question).grade(question, attempt_question.layout, response)
    if fraction is None:
        return None, None
    fraction = max(fraction, accepted_fraction(accepted, question, response))
    fraction = min(1.0, max(0.0, fraction))
    return fraction, answer_points(fraction, attempt_question)


def answer_points(fraction: float, attempt_question) -> float:
    """The points a fraction of this question earns (the one rounding of an answer's points)."""
    return round(fraction * attempt_question.points, 4)


def needs_manual_grading(question: Question) -> bool:
    return question.manual or question.type == "essay"


def quiz_grade(percents: list[float], method: str) -> float | None:
    """The member's grade for a quiz from their finished attempts, oldest first."""
    if not percents:
        return None
    if method == "first":
        return percents[0]
    if method == "last":
        return percents[-1]
    if method == "average":
        return round(sum(percents) / len(percents), 2)
    return max(percents)


def review_shows_answers(attempt, now: datetime, current_closes_at: datetime | None = None) -> bool:
    """Whether correctness, feedback and right answers may be shown for this attempt.

    With `answers_after_close`, not before the quiz closed for everyone: the later of the
    close time recorded when this attempt started and `current_closes_at`, the close as it
    is now (the file's, and the latest close now of the schedule the attempt ran under,
    overrides included: see presenters.current_closes_at), plus the grace in which saves
    still count.
    """
    if attempt.state == "in_progress":
        return False
    review = attempt.settings.get("review", "answers_after_submit")
    if review == "answers_after_submit":
        return True
    if review == "answers_after_close":
        recorded = attempt.settings.get("closes_at")
        candidates = [datetime.fromisoformat(recorded)] if recorded else []
        if current_closes_at is not None:
            candidates.append(current_closes_at)
        if not candidates:
            return False
        latest = max(candidates)
        if latest > datetime.max.replace(tzinfo=latest.tzinfo) - timedelta(days=1):
            return False  # a close at the end of time: never (and no overflow adding the grace)
        return now >= latest + timedelta(seconds=attempt.grace_seconds)
    return False
