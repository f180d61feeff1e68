"""Attendance rates, read by the roster, the exports and (later) progress and grading.

A member's rate is (present + late) / the class's sessions that have started, leaving
out the sessions the member was excused from. None when no session has started yet.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, select

from ...extensions import db
from ..models import Membership
from .models import AttendanceRecord, ClassSession


def attendance_rates(class_id: int, now: datetime) -> dict[int, float | None]:
    """{user_id: rate} for every member of the class, in two queries whatever its size."""
    started = db.session.scalar(select(func.count()).select_from(ClassSession).where(
        ClassSession.class_id == class_id, ClassSession.starts_at <= now)) or 0
    attended = func.sum(case((AttendanceRecord.status.in_(("present", "late")), 1), else_=0))
    excused = func.sum(case((AttendanceRecord.status == "excused", 1), else_=0))
    rows = db.session.execute(
        select(Membership.user_id, attended, excused)
        .select_from(Membership)
        .outerjoin(ClassSession, (ClassSession.class_id == Membership.class_id) & (ClassSession.starts_at <= now))
        .outerjoin(AttendanceRecord, (AttendanceRecord.session_id == ClassSession.id)
                   & (AttendanceRecord.user_id == Membership.user_id))
        .where(Membership.class_id == class_id, Membership.role == "member")
        .group_by(Membership.user_id)).all()
    rates = {}
    for user_id, present, excused_count in rows:
        counted = started - (excused_count or 0)
        rates[user_id] = round((present or 0) / counted, 4) if counted > 0 else None
    return rates
