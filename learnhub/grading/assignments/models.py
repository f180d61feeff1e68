"""Written assignments of a class (心得体会, 思想汇报, other) and members' submissions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ...core.types import TimestampMixin, UTCDateTime, utcnow
from ...extensions import db

KINDS = ("reflection", "report", "other")
STATES = ("draft", "submitted", "graded")
TITLE_MAX = 200
INSTRUCTIONS_MAX = 20_000
BODY_MAX = 20_000
COMMENT_MAX = 5_000


class Assignment(TimestampMixin, db.Model):
    """A written assignment the head teacher sets for a class.

    `min_length` counts characters without whitespace (a Chinese text has no spaces to
    count; spaces and line breaks in an English one do not make it longer). With
    `hold_results`, graded submissions stay hidden from members until staff release them
    (`released_at`); without it a grade is visible as soon as it is given."""

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint(f"kind IN ({', '.join(repr(k) for k in KINDS)})", name="kind_known"),
        CheckConstraint("max_points > 0", name="max_points_positive"),
        CheckConstraint("min_length >= 0", name="min_length_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    instructions: Mapped[str] = mapped_column(Text, default="", comment="Markdown (staff renderer)")
    kind: Mapped[str] = mapped_column(String(16), default="reflection")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    max_points: Mapped[float] = mapped_column(Float, default=100.0)
    min_length: Mapped[int] = mapped_column(default=0, comment="characters, whitespace not counted")
    hold_results: Mapped[bool] = mapped_column(default=False, comment="grades hidden until released")
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime, comment="when held grades were released")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)


class Submission(TimestampMixin, db.Model):
    """One member's text for an assignment: a draft (autosaved), submitted, then graded.

    `version` grows on every submission and grade: a grader who read an older text or grade
    gets 409 `stale_version` instead of overwriting."""

    __tablename__ = "assignment_submissions"
    __table_args__ = (
        UniqueConstraint("assignment_id", "user_id"),
        CheckConstraint(f"state IN ({', '.join(repr(s) for s in STATES)})", name="state_known"),
        CheckConstraint("points IS NULL OR points >= 0", name="points_not_negative"),
        CheckConstraint("state <> 'graded' OR points IS NOT NULL", name="graded_has_points"),
        CheckConstraint("state = 'draft' OR submitted_at IS NOT NULL", name="submitted_has_time"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text, default="", comment="Markdown (member renderer)")
    state: Mapped[str] = mapped_column(String(16), default="draft")
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    late: Mapped[bool] = mapped_column(default=False, comment="submitted after due_at")
    points: Mapped[float | None] = mapped_column(Float)
    comment: Mapped[str | None] = mapped_column(Text, comment="the grader's, Markdown (member renderer)")
    grader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)
