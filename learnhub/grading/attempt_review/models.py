"""Integrity findings: staff confirm that an attempt broke the exam's rules (and may withdraw it)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ...core.types import UTCDateTime, utcnow
from ...extensions import db


class IntegrityFinding(db.Model):
    """A confirmed integrity finding on one attempt, with who recorded it and why; withdrawn
    findings stay (with who withdrew them and why) so the record is never rewritten."""

    __tablename__ = "integrity_findings"
    __table_args__ = (
        # One standing finding per attempt, even when two staff record at once.
        Index("uq_integrity_findings_one_standing", "attempt_id", unique=True,
              sqlite_where=text("withdrawn_at IS NULL"), postgresql_where=text("withdrawn_at IS NULL")),
        CheckConstraint("(withdrawn_at IS NULL) = (withdraw_reason IS NULL)", name="withdrawn_with_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text, comment="what staff found, in their words")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    withdraw_reason: Mapped[str | None] = mapped_column(Text)
