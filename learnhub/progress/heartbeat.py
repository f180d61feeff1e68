"""Study time from the unit page's visibility heartbeat (the hot path: three statements).

Rules (README: "Study time"): a beat adds at most what it reports, at most MAX_BEAT_SECONDS,
and never more than the real time since the member's previous beat on ANY unit (or since
the unit was opened): two tabs on two units share one clock, so they count once, and
beats sent at the same moment (two workers, two hosts) are credited once: each claims the
member's clock row (study_clocks) with a conditional write, and only the one that finds
the last beat it read gets the interval. A member-day (in TIMEZONE) adds at most DAY_CAP_SECONDS. The page itself sends nothing
while hidden or idle. A beat also drives the `view` rule (rules.view_rule_met): the dwell
time reached, or the end of the unit reached once a third of it is credited.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..core.types import UTCDateTime
from ..courses.index import UnitEntry
from ..courses.models import UnitProgress
from ..extensions import db
from . import completion
from .models import StudyClock, StudyTime
from .rules import view_rule_met

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
    """Built once per dialect: the read, the clock's claim, the credit."""
    user, unit, course, today = (bindparam("user_id"), bindparam("unit_id"), bindparam("course_id"),
                                 bindparam("today"))

    def one(column, *where):
        return select(column).where(*where).scalar_subquery()

    seconds = func.coalesce(func.sum(StudyTime.seconds), 0)
    mine = StudyTime.user_id == user
    # One statement, one snapshot: what the caps need and the totals before this beat.
    read = select(
        one(StudyClock.last_beat_at, StudyClock.user_id == user),
        one(seconds, mine, StudyTime.day == today),
        one(UnitProgress.last_viewed_at, UnitProgress.user_id == user, UnitProgress.unit_id == unit),
        one(seconds, mine, StudyTime.unit_id == unit),
        one(seconds, mine, StudyTime.course_id == course),
        one(UnitProgress.completed_at, UnitProgress.user_id == user, UnitProgress.unit_id == unit))
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    # The claim moves the member's clock only if it still shows the beat this one read: of
    # beats sent at once, one writes the row (rowcount 1) and the others none, whatever worker
    # or host they ran on (PostgreSQL re-checks the WHERE once the winner commits; SQLite
    # writes one at a time). A first beat inserts; `= NULL` never matches a concurrent first.
    claim = insert(StudyClock).values(user_id=user, last_beat_at=bindparam("moved_to", type_=UTCDateTime))
    claim = claim.on_conflict_do_update(
        index_elements=[StudyClock.user_id], set_={"last_beat_at": claim.excluded.last_beat_at},
        where=StudyClock.last_beat_at == bindparam("seen", type_=UTCDateTime),
    ).execution_options(preserve_rowcount=True)   # an INSERT's rowcount is kept only when asked
    statement = insert(StudyTime).values(
        user_id=user, unit_id=unit, course_id=course, day=today, seconds=bindparam("credit"),
        last_beat_at=bindparam("now"))
    credit = statement.on_conflict_do_update(
        index_elements=[StudyTime.user_id, StudyTime.unit_id, StudyTime.day],
        set_={"seconds": StudyTime.seconds + statement.excluded.seconds,
              "last_beat_at": statement.excluded.last_beat_at})
    return read, claim, credit


def local_day(now: datetime):
    return now.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


def credit_for(visible_seconds: float, now: datetime, previous: datetime | None, day_total: int) -> int:
    """What one beat may add (the caps, in one place)."""
    elapsed = MAX_BEAT_SECONDS if previous is None else (now - previous).total_seconds()
    credit = min(visible_seconds, MAX_BEAT_SECONDS, elapsed, DAY_CAP_SECONDS - day_total)
    return max(0, int(credit))


def record_beat(user_id: int, unit: UnitEntry, visible_seconds: float, reached_end: bool,
                now: datetime) -> BeatResult:
    read, claim, add_credit = _statements(db.engine.dialect.name)
    connection = db.session.connection()
    params = {"user_id": user_id, "unit_id": unit.id, "course_id": unit.course_id,
              "today": local_day(now), "now": now}
    last_beat, day_total, viewed_at, unit_seconds, course_seconds, completed_at = (
        connection.execute(read, params).one())
    previous = max((t for t in (last_beat, viewed_at) if t is not None), default=None)
    credit = credit_for(visible_seconds, now, previous, int(day_total))
    moved_to = now if last_beat is None else max(now, last_beat)  # hosts' clocks differ a little
    if connection.execute(claim, {**params, "seen": last_beat, "moved_to": moved_to}).rowcount != 1:
        # A beat sent at the same moment took this interval: real time counts once. (Its
        # totals, read before, may then miss that beat's credit; the winner's are exact, as
        # no credit lands between a winner's read and its claim.)
        credit = 0
    if credit:
        connection.execute(add_credit, {**params, "credit": credit})
    unit_seconds, course_seconds = int(unit_seconds) + credit, int(course_seconds) + credit
    completed_now = False
    if completed_at is None and unit.completion == "view" and view_rule_met(
            unit, unit_seconds, reached_end and viewed_at is not None):
        completed_now = completion.complete(user_id, unit, "view", now)
    return BeatResult(credited=credit, completed=completed_at is not None or completed_now,
                      completed_now=completed_now, study_seconds=course_seconds,
                      unit_seconds=unit_seconds)
