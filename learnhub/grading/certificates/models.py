"""Completion certificates (结业证书): one live certificate per member and class."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ...core.types import UTCDateTime, utcnow
from ...extensions import db


class Certificate(db.Model):
    """Issued to a confirmed member; the names and hours are kept as they were on the day."""

    __tablename__ = "certificates"
    __table_args__ = (
        # One live (not revoked) certificate per member and class.
        Index("uq_certificates_live", "class_id", "user_id", unique=True,
              sqlite_where=text("revoked_at IS NULL"), postgresql_where=text("revoked_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(40), unique=True, comment="LH-YYYY-XXXX-XXXX-XXXX-XXXX, random")
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    holder_name: Mapped[str] = mapped_column(String(200))
    class_name: Mapped[str] = mapped_column(String(200))
    study_seconds: Mapped[int] = mapped_column(default=0, comment="study time in the class's courses")
    final_grade: Mapped[float | None]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    @property
    def valid(self) -> bool:
        return self.revoked_at is None
