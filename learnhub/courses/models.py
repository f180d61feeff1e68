"""The database index of content/ plus what members do with it (views, completion)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.types import TimestampMixin, UTCDateTime
from ..extensions import db


class Course(TimestampMixin, db.Model):
    """One folder of content/, keyed by slug. Rows are never deleted: removed_at hides them."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    order: Mapped[int] = mapped_column(default=1000)
    draft: Mapped[bool] = mapped_column(default=False)
    checksum: Mapped[str] = mapped_column(String(64), comment="sha256 of course.md")
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    units: Mapped[list[Unit]] = relationship(back_populates="course", order_by="Unit.order")


class Unit(TimestampMixin, db.Model):
    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("course_id", "slug"),
        CheckConstraint("completion IN ('view', 'manual', 'quiz')", name="completion_known"),
        CheckConstraint("completion <> 'quiz' OR quiz_slug IS NOT NULL", name="quiz_has_slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    order: Mapped[int]
    estimated_minutes: Mapped[int | None]
    completion: Mapped[str] = mapped_column(String(8), default="view")
    quiz_slug: Mapped[str | None] = mapped_column(String(64))
    requires: Mapped[list | None] = mapped_column(
        JSON, comment="prerequisites from front matter: unit slugs and quiz:slug entries")
    dwell_seconds: Mapped[int | None] = mapped_column(
        comment="front matter override of the view rule's dwell time (seconds)")
    draft: Mapped[bool] = mapped_column(default=False)
    checksum: Mapped[str] = mapped_column(String(64), comment="sha256 of the unit file")
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    course: Mapped[Course] = relationship(back_populates="units")


class UnitProgress(db.Model):
    """A member's visits to and completion of one unit (one row per member and unit)."""

    __tablename__ = "unit_progress"
    __table_args__ = (UniqueConstraint("user_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    first_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completion_rule: Mapped[str | None] = mapped_column(String(10), comment="what completed it")
