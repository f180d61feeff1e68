"""Completion per member and unit: given once (a guarded UPDATE), taken back only by undo or
recompute, every change kept in progress_events. Written in answer to the lower features'
signals (`unit_viewed`, `attempt_graded`) and by the member's button.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..core.errors import DomainError
from ..core.signals import unit_completed
from ..core.types import utcnow
from ..courses.index import UnitEntry, content_index
from ..courses.models import UnitProgress
from ..courses.services import UnitMark, progress_row
from ..extensions import db
from ..quizzes.models import Attempt, Quiz
from .models import ProgressEvent, StudyTime
from .rules import dwell_seconds


class CompletionRuleError(DomainError):
    """The unit's completion rule is not met (e.g. a quiz unit marked complete by hand)."""

    status, code = 409, "completion_rule"


def _row(user_id: int, unit: UnitEntry, now: datetime, row: UnitProgress | None = None) -> UnitProgress:
    if row is not None:
        return row
    found = db.session.scalar(select(UnitProgress).where(UnitProgress.user_id == user_id,
                                                         UnitProgress.unit_id == unit.id))
    return found or progress_row(user_id, unit.id, now)


def complete(user_id: int, unit: UnitEntry, rule: str, now: datetime, *,
             actor_id: int | None = None, row: UnitProgress | None = None) -> bool:
    """Give the completion once; True if this call gave it. `rule` is what earned it
    (view, manual, quiz, or recompute); two concurrent calls give it once (the UPDATE's guard)."""
    row = _row(user_id, unit, now, row)
    if row.completed_at is not None:
        return False
    kept_rule = unit.completion if rule == "recompute" else rule
    given = db.session.execute(
        update(UnitProgress).where(UnitProgress.id == row.id, UnitProgress.completed_at.is_(None))
        .values(completed_at=now, completion_rule=kept_rule)
        .execution_options(synchronize_session=False)).rowcount == 1
    if not given:
        db.session.refresh(row)
        return False
    set_committed_value(row, "completed_at", now)
    set_committed_value(row, "completion_rule", kept_rule)
    db.session.add(ProgressEvent(user_id=user_id, unit_id=unit.id, kind="completed", rule=rule,
                                 at=now, actor_id=actor_id))
    db.session.flush()
    unit_completed.send(current_app._get_current_object(), user_id=user_id, unit_id=unit.id,
                        course_id=unit.course_id, at=now, rule=rule)
    return True


def uncomplete(user_id: int, unit: UnitEntry, rule: str, now: datetime, *,
               actor_id: int | None = None, row: UnitProgress | None = None) -> bool:
    """Take the completion back (manual undo, recompute); the history keeps both events."""
    row = _row(user_id, unit, now, row)
    if row.completed_at is None:
        return False
    taken = db.session.execute(
        update(UnitProgress).where(UnitProgress.id == row.id, UnitProgress.completed_at.is_not(None))
        .values(completed_at=None, completion_rule=None)
        .execution_options(synchronize_session=False)).rowcount == 1
    set_committed_value(row, "completed_at", None)
    set_committed_value(row, "completion_rule", None)
    if taken:
        db.session.add(ProgressEvent(user_id=user_id, unit_id=unit.id, kind="uncompleted",
                                     rule=rule, at=now, actor_id=actor_id))
        db.session.flush()
    return taken


# ---- the member's button ----------------------------------------------------------------------

def mark_complete(user, unit: UnitEntry, mark: UnitMark | None) -> UnitMark:
    """The member says they finished a `manual` unit (idempotent). `mark`: their row as the
    page read it; the row itself is loaded only to be written."""
    if mark is not None and mark.completed_at is not None:
        return mark
    if unit.completion == "quiz":
        raise CompletionRuleError(_l("This unit is completed by passing its quiz."))
    if unit.completion == "view":
        raise CompletionRuleError(_l("This unit is completed by reading it: stay on the page "
                                     "for a while or scroll to its end."))
    now = utcnow()
    row = _row(user.id, unit, now)
    complete(user.id, unit, "manual", now, actor_id=user.id, row=row)
    return UnitMark.of(row)


def undo_complete(user, unit: UnitEntry, mark: UnitMark | None) -> UnitMark | None:
    """Undo of "mark as complete": only `manual` units (the others are earned, not said)."""
    if unit.completion != "manual":
        raise CompletionRuleError(_l("Only units you mark as complete yourself can be undone."))
    if mark is None or mark.completed_at is None:
        return mark
    now = utcnow()
    row = _row(user.id, unit, now)
    uncomplete(user.id, unit, "manual", now, actor_id=user.id, row=row)
    return UnitMark.of(row)


# ---- evidence ---------------------------------------------------------------------------------

def unit_study_seconds(user_id: int, unit_id: int) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(StudyTime.seconds), 0)).where(
        StudyTime.user_id == user_id, StudyTime.unit_id == unit_id)) or 0


def passed_quiz(user_id: int, course_id: int, quiz_slug: str) -> bool:
    """A passed attempt that was not reset (staff resets take the pass back too)."""
    return db.session.scalar(select(Attempt.id).join(Quiz, Quiz.id == Attempt.quiz_id).where(
        Attempt.user_id == user_id, Quiz.course_id == course_id, Quiz.slug == quiz_slug,
        Attempt.passed.is_(True), Attempt.reset_at.is_(None)).limit(1)) is not None


def rule_met_by_evidence(user_id: int, unit: UnitEntry) -> bool:
    """What the stored evidence says of the unit's current rule (one query).
    A manual unit has no evidence but the member's say-so: never met here."""
    if unit.completion == "view":
        return unit_study_seconds(user_id, unit.id) >= dwell_seconds(unit)
    if unit.completion == "quiz" and unit.quiz_slug:
        return passed_quiz(user_id, unit.course_id, unit.quiz_slug)
    return False


# ---- receivers (run in the sender's transaction; they flush, never commit) ----------------------

def _unit_entry(course_id: int, unit_id: int) -> UnitEntry | None:
    return next((u for u in content_index().units.get(course_id, []) if u.id == unit_id), None)


def on_unit_viewed(sender, *, user_id: int, unit_id: int, course_id: int, at: datetime,
                   row: UnitProgress, first: bool, **_extra) -> None:
    """A written visit (first, then at most once a minute): opening alone completes nothing,
    but evidence gathered before a rule changed (time already spent, a quiz already
    passed) completes the unit now."""
    if row.completed_at is not None or first:
        return
    unit = _unit_entry(course_id, unit_id)
    if unit is not None and unit.completion != "manual" and rule_met_by_evidence(user_id, unit):
        complete(user_id, unit, unit.completion, at, row=row)


def on_attempt_graded(sender, *, attempt: Attempt, quiz=None, **_extra) -> None:
    """A graded, passed attempt completes the units whose rule is `quiz` with that quiz;
    a failed one completes nothing (a later pass does). `quiz`: its quiz's row (its
    course_id and slug), when the sender has it."""
    if not attempt.passed:
        return
    if quiz is None:
        quiz = db.session.get(Quiz, attempt.quiz_id)
    now = utcnow()
    for unit in content_index().units.get(quiz.course_id, []):
        if unit.completion == "quiz" and unit.quiz_slug == quiz.slug:
            complete(attempt.user_id, unit, "quiz", now)
