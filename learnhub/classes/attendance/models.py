"""A class's sessions and members' attendance at them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ...core.types import TimestampMixin, UTCDateTime, utcnow
from ...extensions import db
from ..models import sql_in

SESSION_KINDS = ("meeting", "lecture", "party_lesson", "other")
ATTENDANCE_STATUSES = ("present", "late", "excused", "absent")
CHECKIN_METHODS = ("qr", "manual")


class ClassSession(TimestampMixin, db.Model):
    """A lecture, branch meeting or party lesson of a class, with its attendance and minutes."""

    __tablename__ = "class_sessions"
    __table_args__ = (
        CheckConstraint(sql_in("kind", SESSION_KINDS), name="kind_known"),
        CheckConstraint("ends_at > starts_at", name="time_order"),
        CheckConstraint("late_after_minutes >= 0", name="late_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="lecture")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str | None] = mapped_column(String(200))
    meeting_url: Mapped[str | None] = mapped_column(String(500))
    late_after_minutes: Mapped[int] = mapped_column(default=10)
    minutes: Mapped[str | None] = mapped_column(Text, comment="the meeting record, Markdown")
    minutes_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)


class AttendanceRecord(db.Model):
    """A member's attendance at a session: once per member and session."""

    __tablename__ = "attendance_records"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id"),
        UniqueConstraint("session_id", "scan_nonce"),  # one browser's scan checks in one person
        CheckConstraint(sql_in("status", ATTENDANCE_STATUSES), name="status_known"),
        CheckConstraint(sql_in("method", CHECKIN_METHODS), name="method_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("class_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(8))
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(String(500))
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    scan_nonce: Mapped[str | None] = mapped_column(
        String(64), comment="SHA-256 of the scanning browser's check-in nonce (QR check-ins)")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
