"""A member's grade for one class exam: THE rule, used by the gradebook (grading.gradebook)
and the exam's results page (grading.results), so both always say the same.

What counts: the member's attempts made under the exam (`schedule_key` is the exam's key),
finished (state submitted or graded) and not reset by staff. An attempt still waiting for
manual grading (needs_grading) does not count yet: the grade says how many wait
(`awaiting`). The grading method is the quiz's, as recorded in the settings of the member's
latest counted attempt (quizzes.grading.quiz_grade's methods: highest, last, first,
average), and so is the pass mark (`pass_percent`, default 60).

- highest: the best attempt (the earliest of equal best ones); first, last: that attempt;
- average: the mean percent and score of the counted attempts, their MEAN time, the latest
  submission among them; the attempt linked is the latest one.

`grade_of` takes the attempts as any objects with the attributes of `AttemptLike` (ORM
Attempt rows, or AttemptRow made from ATTEMPT_COLUMNS), so each caller keeps its own queries.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, Sequence

from ..quizzes.grading import quiz_grade
from ..quizzes.models import Attempt

METHODS = ("highest", "last", "first", "average")
COUNTED_STATES = ("submitted", "graded")
AWAITING_STATE = "needs_grading"
DEFAULT_PASS_PERCENT = 60.0


class AttemptLike(Protocol):
    id: int
    state: str
    score: float | None
    max_score: float | None
    percent: float | None
    started_at: datetime | None
    submitted_at: datetime | None
    settings: dict | None


@dataclass(slots=True)
class AttemptRow:
    """An attempt as the results lists read it: the columns of ATTEMPT_COLUMNS, no ORM object
    (a plain class: grade_of reads each attribute several times, which costs a result Row a
    lookup each time)."""

    id: int
    user_id: int
    schedule_key: str | None
    state: str
    score: float | None
    max_score: float | None
    percent: float | None
    started_at: datetime | None
    submitted_at: datetime | None
    settings: dict | None


# In AttemptRow's order: select(*ATTEMPT_COLUMNS) rows make AttemptRow(*row).
ATTEMPT_COLUMNS = (Attempt.id, Attempt.user_id, Attempt.schedule_key, Attempt.state, Attempt.score,
                   Attempt.max_score, Attempt.percent, Attempt.started_at, Attempt.submitted_at, Attempt.settings)


@dataclass(frozen=True)
class ExamGrade:
    """A member's grade for one exam. `percent` None: nothing graded yet (only attempts
    awaiting grading, `awaiting` > 0)."""

    score: float | None
    percent: float | None
    passed: bool | None
    seconds: int | None
    submitted_at: datetime | None
    attempt_id: int | None = None      # the attempt that counts (average: the latest averaged)
    attempt_ids: tuple[int, ...] = ()  # every attempt the grade is made of
    method: str = "highest"
    max_score: float | None = None
    attempts: int = 0                  # finished attempts that count
    awaiting: int = 0                  # attempts waiting for manual grading

    @property
    def graded(self) -> bool:
        return self.percent is not None


def attempt_seconds(attempt: AttemptLike) -> int | None:
    """The time an attempt took, in whole seconds (rounded); None while it has no submit time."""
    if attempt.submitted_at is None or attempt.started_at is None:
        return None
    return max(0, round((attempt.submitted_at - attempt.started_at).total_seconds()))


def _setting(settings, key: str, default):
    return settings.get(key, default) if isinstance(settings, dict) else default


def _method(settings) -> str:
    method = _setting(settings, "grading", "highest")
    return method if method in METHODS else "highest"


def _pass_percent(settings) -> float:
    value = _setting(settings, "pass_percent", DEFAULT_PASS_PERCENT)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return DEFAULT_PASS_PERCENT
    return float(value)


def grade_of(attempts: Sequence[AttemptLike]) -> ExamGrade | None:
    """One member's grade for one exam from their attempts under it (not reset), oldest
    first; attempts in other states (in progress) are ignored. None when there is neither a
    counted attempt nor one awaiting grading."""
    counted = [a for a in attempts if a.state in COUNTED_STATES and a.percent is not None]
    waiting = [a for a in attempts if a.state == AWAITING_STATE]
    if not counted:
        if not waiting:
            return None
        return ExamGrade(None, None, None, None, None, method=_method(waiting[-1].settings),
                         awaiting=len(waiting))
    latest = counted[-1]
    method = _method(latest.settings)
    percent = quiz_grade([a.percent for a in counted], method)
    passed = percent >= _pass_percent(latest.settings)
    if method == "average":
        scores = [a.score or 0.0 for a in counted]
        times = [s for s in map(attempt_seconds, counted) if s is not None]
        moments = [a.submitted_at for a in counted if a.submitted_at is not None]
        maxima = [a.max_score for a in counted if a.max_score is not None]
        return ExamGrade(
            score=round(sum(scores) / len(scores), 4), percent=percent, passed=passed,
            seconds=round(sum(times) / len(times)) if times else None,
            submitted_at=max(moments) if moments else None, attempt_id=latest.id,
            attempt_ids=tuple(a.id for a in counted), method=method,
            max_score=max(maxima) if maxima else None, attempts=len(counted), awaiting=len(waiting))
    if method == "first":
        chosen = counted[0]
    elif method == "last":
        chosen = latest
    else:  # highest: the earliest of the best
        chosen = next(a for a in counted if a.percent == percent)
    return ExamGrade(score=chosen.score, percent=chosen.percent, passed=passed,
                     seconds=attempt_seconds(chosen), submitted_at=chosen.submitted_at,
                     attempt_id=chosen.id, attempt_ids=(chosen.id,), method=method,
                     max_score=chosen.max_score, attempts=len(counted), awaiting=len(waiting))
