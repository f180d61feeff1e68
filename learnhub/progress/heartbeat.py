"""Study time from the unit page's visibility heartbeat (the hot path: three statements).

Rules (README: "Study time"): a beat adds at most what it reports, at most MAX_BEAT_SECONDS,
and never more than the real time since the member's previous beat on ANY unit (or since
the unit was opened): two tabs on two units share one clock, so they count once. A
member-day (in TIMEZONE) adds at most DAY_CAP_SECONDS. The page itself sends nothing
while hidden or idle. A beat also drives the `view` rule: dwell time reached (or the end
of the unit reached) completes the unit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import bindparam, case, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..courses.index import UnitEntry
from ..courses.models import UnitProgress
from ..extensions import db
from . import completion
from .models import StudyTime
from .rules import dwell_seconds

MAX_BEAT_SECONDS = 60
DAY_CAP_SECONDS = 8 * 3600
MAX_REPORTED_SECONDS = 24 * 3600   # above this a report is nonsense: 422, not capped


@dataclass
class BeatResult:
    credited: int
    completed: bool
    completed_now: bool
    study_seconds: int        # the member's total on the unit's course
    unit_seconds: int


@lru_cache(maxsize=4)
def _statements(dialect: str) -> tuple:
    """Built once per dialect: the window read, the upsert, the totals read."""
    visited = (select(UnitProgress.last_viewed_at).where(
        UnitProgress.user_id == bindparam("user_id"), UnitProgress.unit_id == bindparam("unit_id"))
        .scalar_subquery())
    window = select(
        func.max(StudyTime.last_beat_at),
        func.coalesce(func.sum(case((StudyTime.day == bindparam("today"), StudyTime.seconds), else_=0)), 0),
        visited,
    ).where(StudyTime.user_id == bindparam("user_id"), StudyTime.day >= bindparam("yesterday"))
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(StudyTime).values(
        user_id=bindparam("user_id"), unit_id=bindparam("unit_id"), course_id=bindparam("course_id"),
        day=bindparam("today"), seconds=bindparam("credit"), last_beat_at=bindparam("now"))
    upsert = statement.on_conflict_do_update(
        index_elements=[StudyTime.user_id, StudyTime.unit_id, StudyTime.day],
        set_={"seconds": StudyTime.seconds + statement.excluded.seconds,
              "last_beat_at": statement.excluded.last_beat_at})
    completed_at = (select(UnitProgress.completed_at).where(
        UnitProgress.user_id == bindparam("user_id"), UnitProgress.unit_id == bindparam("unit_id"))
        .scalar_subquery())
    totals = select(
        func.coalesce(func.sum(case((StudyTime.unit_id == bindparam("unit_id"), StudyTime.seconds), else_=0)), 0),
        func.coalesce(func.sum(StudyTime.seconds), 0),
        completed_at,
    ).where(StudyTime.user_id == bindparam("user_id"), StudyTime.course_id == bindparam("course_id"))
    return window, upsert, totals


def local_day(now: datetime):
    return now.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


def credit_for(visible_seconds: float, now: datetime, previous: datetime | None, day_total: int) -> int:
    """What one beat may add (the caps, in one place)."""
    elapsed = MAX_BEAT_SECONDS if previous is None else (now - previous).total_seconds()
    credit = min(visible_seconds, MAX_BEAT_SECONDS, elapsed, DAY_CAP_SECONDS - day_total)
    return max(0, int(credit))


def record_beat(user_id: int, unit: UnitEntry, visible_seconds: float, reached_end: bool,
                now: datetime) -> BeatResult:
    window, upsert, totals = _statements(db.engine.dialect.name)
    connection = db.session.connection()
    today = local_day(now)
    params = {"user_id": user_id, "unit_id": unit.id, "course_id": unit.course_id, "today": today,
              "yesterday": today - timedelta(days=1), "now": now}
    last_beat, day_total, viewed_at = connection.execute(window, params).one()
    previous = max((t for t in (last_beat, viewed_at) if t is not None), default=None)
    credit = credit_for(visible_seconds, now, previous, int(day_total or 0))
    connection.execute(upsert, {**params, "credit": credit})
    unit_seconds, course_seconds, completed_at = connection.execute(totals, params).one()
    completed_now = False
    if completed_at is None and unit.completion == "view":
        # the end reached counts only on a unit the member opened (a visit row exists)
        if int(unit_seconds) >= dwell_seconds(unit) or (reached_end and viewed_at is not None):
            completed_now = completion.complete(user_id, unit, "view", now)
    return BeatResult(credited=credit, completed=completed_at is not None or completed_now,
                      completed_now=completed_now, study_seconds=int(course_seconds),
                      unit_seconds=int(unit_seconds))
