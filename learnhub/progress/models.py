"""What the progress feature owns: study time and the history of completions.

Completion itself is one row per member and unit in `unit_progress` (courses.models:
first/last viewed, completed_at); this feature writes it in answer to the lower
features' signals and keeps every change in `progress_events`.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.types import UTCDateTime, utcnow
from ..extensions import db

COMPLETION_RULES = ("view", "manual", "quiz", "recompute")
EVENT_KINDS = ("completed", "uncompleted")


class StudyTime(db.Model):
    """Seconds a member actively spent on a unit on one day (in TIMEZONE), from heartbeats."""

    __tablename__ = "study_time"
    __table_args__ = (
        UniqueConstraint("user_id", "unit_id", "day"),
        CheckConstraint("seconds >= 0", name="seconds_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True,
                                           comment="the unit's course, for per-course sums")
    day: Mapped[date] = mapped_column(Date)
    seconds: Mapped[int] = mapped_column(default=0)
    last_beat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StudyClock(db.Model):
    """A member's last heartbeat on any unit: one row per member that every beat claims with
    a conditional write, so beats sent at once (tabs, workers, hosts) share one clock."""

    __tablename__ = "study_clocks"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    last_beat_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProgressEvent(db.Model):
    """A completion given or taken back (undo, recompute): the history is never rewritten."""

    __tablename__ = "progress_events"
    __table_args__ = (
        CheckConstraint("kind IN ('completed', 'uncompleted')", name="kind_known"),
        CheckConstraint("rule IN ('view', 'manual', 'quiz', 'recompute')", name="rule_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    rule: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
