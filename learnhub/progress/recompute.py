"""`flask --app wsgi progress recompute`: re-evaluate completions after rules changed in the files.

Policy (README: "Completion rules"): the history is never rewritten. By default a completion
whose unit's current rule is no longer met is taken back (an `uncompleted` event, rule
`recompute`), and one the evidence now meets is given (`completed`, rule `recompute`).
`--keep-earned` only gives, never takes back. What counts as met:
- view: an earlier `view` completion stands (the end reached leaves no other evidence), or
  the study time on the unit reaches its dwell time;
- manual: a completion stands (the member said so; they can undo it), none is given;
- quiz: a passed, not reset attempt at the unit's quiz.
Draft units are left as they are.
"""
from __future__ import annotations

from dataclasses import dataclass

import click
from sqlalchemy import func, select

from ..core.cli import command
from ..core.types import utcnow
from ..courses.index import content_index
from ..courses.models import UnitProgress
from ..extensions import db
from ..quizzes.models import Attempt, Quiz
from . import completion
from .models import StudyTime
from .rules import dwell_seconds


@dataclass
class RecomputeResult:
    completed: int = 0
    uncompleted: int = 0


def _met(unit, row: UnitProgress | None, seconds: int, passed: bool) -> bool:
    if unit.completion == "view":
        return bool(row and row.completed_at and row.completion_rule == "view") or seconds >= dwell_seconds(unit)
    if unit.completion == "manual":
        return bool(row and row.completed_at)
    return passed


def recompute_all(keep_earned: bool = False) -> RecomputeResult:
    """Every member with a trace on a live unit (a visit, study time or a passed quiz). Flushes."""
    units = {u.id: u for course_units in content_index().units.values() for u in course_units
             if not u.draft}
    result = RecomputeResult()
    if not units:
        return result
    rows = {(r.user_id, r.unit_id): r for r in db.session.scalars(
        select(UnitProgress).where(UnitProgress.unit_id.in_(units)))}
    seconds = {(user_id, unit_id): int(total) for user_id, unit_id, total in db.session.execute(
        select(StudyTime.user_id, StudyTime.unit_id, func.sum(StudyTime.seconds))
        .where(StudyTime.unit_id.in_(units)).group_by(StudyTime.user_id, StudyTime.unit_id))}
    passed = set(db.session.execute(
        select(Attempt.user_id, Quiz.course_id, Quiz.slug).join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Attempt.passed.is_(True), Attempt.reset_at.is_(None)).distinct()).all())
    quiz_units = [u for u in units.values() if u.completion == "quiz"]
    pairs = set(rows) | set(seconds)
    pairs |= {(user_id, u.id) for user_id, course_id, slug in passed for u in quiz_units
              if u.course_id == course_id and u.quiz_slug == slug}
    now = utcnow()
    for user_id, unit_id in sorted(pairs):
        unit, row = units[unit_id], rows.get((user_id, unit_id))
        met = _met(unit, row, seconds.get((user_id, unit_id), 0),
                   (user_id, unit.course_id, unit.quiz_slug) in passed)
        done = bool(row and row.completed_at)
        if met and not done:
            result.completed += completion.complete(user_id, unit, "recompute", now, row=row)
        elif done and not met and not keep_earned:
            result.uncompleted += completion.uncomplete(user_id, unit, "recompute", now, row=row)
    db.session.flush()
    return result


@command("recompute")
@click.option("--keep-earned", is_flag=True,
              help="Only give completions the rules now meet; never take one back.")
def recompute_command(keep_earned: bool):
    """Re-evaluate every member's completions by the units' current rules (history kept)."""
    result = recompute_all(keep_earned=keep_earned)
    db.session.commit()
    click.echo(f"Recomputed: {result.completed} completed, {result.uncompleted} taken back.")
