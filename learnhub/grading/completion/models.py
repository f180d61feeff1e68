"""A class's completion rules (weights and thresholds) and the staff's confirmations."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ...core.types import TimestampMixin, UTCDateTime, utcnow
from ...extensions import db

# Party-school practice: exam 70 %, reflection 20 %, attendance 10 %; 75 % attendance; pass at 60.
DEFAULTS = {"weight_exam": 70, "weight_reflection": 20, "weight_attendance": 10, "min_attendance": 75,
            "pass_mark": 60, "require_units": True, "require_exam_pass": True, "block_on_findings": True}


class CompletionRules(TimestampMixin, db.Model):
    """One row per class, created with the defaults the first time anyone asks."""

    __tablename__ = "completion_rules"
    __table_args__ = (
        CheckConstraint("weight_exam >= 0 AND weight_reflection >= 0 AND weight_attendance >= 0",
                        name="weights_positive"),
        CheckConstraint("weight_exam + weight_reflection + weight_attendance = 100", name="weights_sum"),
        CheckConstraint("min_attendance >= 0 AND min_attendance <= 100", name="attendance_range"),
        CheckConstraint("pass_mark >= 0 AND pass_mark <= 100", name="pass_mark_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), unique=True, index=True)
    weight_exam: Mapped[int] = mapped_column(default=70, comment="percent of the final grade")
    weight_reflection: Mapped[int] = mapped_column(default=20)
    weight_attendance: Mapped[int] = mapped_column(default=10)
    min_attendance: Mapped[int] = mapped_column(default=75, comment="percent of sessions attended, at least")
    pass_mark: Mapped[int] = mapped_column(default=60, comment="final grade, at least")
    require_units: Mapped[bool] = mapped_column(default=True, comment="all required units complete")
    require_exam_pass: Mapped[bool] = mapped_column(default=True, comment="the final exam passed")
    block_on_findings: Mapped[bool] = mapped_column(default=True, comment="no confirmed integrity finding")
    final_exam_id: Mapped[int | None] = mapped_column(
        ForeignKey("class_exams.id", ondelete="SET NULL"), index=True,
        comment="None: the class's exam closing last")


class CompletionConfirmation(db.Model):
    """Staff confirmed that a member completed the class (who, when; a reason when overriding)."""

    __tablename__ = "completion_confirmations"
    __table_args__ = (UniqueConstraint("class_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    final_grade: Mapped[float | None] = mapped_column(comment="the final grade when confirmed")
    override_reason: Mapped[str | None] = mapped_column(Text, comment="set when the member did not qualify")
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
