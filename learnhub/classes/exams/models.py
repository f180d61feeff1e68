"""Scheduled exams of a class and members' overrides."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ...core.types import TimestampMixin, UTCDateTime
from ...extensions import db


class ClassExam(TimestampMixin, db.Model):
    """A quiz of the class's courses scheduled for the class, with its own window."""

    __tablename__ = "class_exams"
    __table_args__ = (
        UniqueConstraint("class_id", "quiz_id"),
        CheckConstraint("closes_at > opens_at", name="window_order"),
        CheckConstraint("time_limit_seconds IS NULL OR time_limit_seconds > 0", name="limit_positive"),
        CheckConstraint("release IN ('immediately', 'at', 'manual')", name="release_known"),
        CheckConstraint("release != 'at' OR release_at IS NOT NULL", name="release_at_set"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    time_limit_seconds: Mapped[int | None] = mapped_column(comment="None = the quiz file's limit")
    requires_courses_complete: Mapped[bool] = mapped_column(
        default=False, server_default="0", comment="members must complete the class's courses first")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Results release (grading.results): when members see their scores.
    release: Mapped[str] = mapped_column(
        String(16), default="immediately", server_default="immediately",
        comment="immediately (each attempt once fully graded), at (release_at), manual (staff release)")
    release_at: Mapped[datetime | None] = mapped_column(UTCDateTime, comment="with release 'at'")
    released_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, comment="staff released (or the release-due command noted the time passed)")
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)


class ExamOverride(TimestampMixin, db.Model):
    """One member's exception to a scheduled exam (ill, accommodation), with the reason."""

    __tablename__ = "exam_overrides"
    __table_args__ = (
        UniqueConstraint("exam_id", "user_id"),
        CheckConstraint("extra_attempts >= 0", name="extra_attempts_positive"),
        CheckConstraint("time_limit_seconds IS NULL OR time_limit_seconds > 0", name="limit_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("class_exams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    time_limit_seconds: Mapped[int | None]
    extra_attempts: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str] = mapped_column(Text)
