"""Attendance rates, read by the roster, the exports and (later) progress and grading.

A member's rate is (present + late) / the class's sessions that have started, leaving
out the sessions the member was excused from. None when no session has started yet.
"""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from sqlalchemy import bindparam, case, func, select

from ...core.types import UTCDateTime
from ...extensions import db
from ..models import Membership
from .models import AttendanceRecord, ClassSession


@lru_cache(maxsize=1)
def _statements() -> tuple:
    """Built once (the class dashboard and the roster read every member's rate)."""
    class_id, now = bindparam("class_id"), bindparam("now", type_=UTCDateTime)
    started = select(func.count()).select_from(ClassSession).where(ClassSession.class_id == class_id,
                                                                   ClassSession.starts_at <= now)
    attended = func.sum(case((AttendanceRecord.status.in_(("present", "late")), 1), else_=0))
    excused = func.sum(case((AttendanceRecord.status == "excused", 1), else_=0))
    per_member = (select(Membership.user_id, attended, excused)
                  .select_from(Membership)
                  .outerjoin(ClassSession, (ClassSession.class_id == Membership.class_id)
                             & (ClassSession.starts_at <= now))
                  .outerjoin(AttendanceRecord, (AttendanceRecord.session_id == ClassSession.id)
                             & (AttendanceRecord.user_id == Membership.user_id))
                  .where(Membership.class_id == class_id, Membership.role == "member")
                  .group_by(Membership.user_id))
    return started, per_member


def attendance_rates(class_id: int, now: datetime) -> dict[int, float | None]:
    """{user_id: rate} for every member of the class, in two queries whatever its size."""
    started_statement, per_member = _statements()
    connection = db.session.connection()
    params = {"class_id": class_id, "now": now}
    started = connection.execute(started_statement, params).scalar() or 0
    rates = {}
    for user_id, present, excused_count in connection.execute(per_member, params):
        counted = started - (excused_count or 0)
        rates[user_id] = round((present or 0) / counted, 4) if counted > 0 else None
    return rates
