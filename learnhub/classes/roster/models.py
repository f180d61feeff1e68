"""A member's stage history in a class."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ...core.types import UTCDateTime, utcnow
from ...extensions import db
from ..models import STAGES, sql_in


class StageChange(db.Model):
    """History of a member's stage in a class: who changed it, when, from what."""

    __tablename__ = "stage_changes"
    __table_args__ = (
        CheckConstraint(sql_in("to_stage", STAGES), name="to_known"),
        CheckConstraint("from_stage IS NULL OR " + sql_in("from_stage", STAGES), name="from_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("class_memberships.id", ondelete="CASCADE"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(16))
    to_stage: Mapped[str] = mapped_column(String(16))
    stage_date: Mapped[date | None] = mapped_column(Date)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
