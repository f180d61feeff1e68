"""The audit log: `audit(actor, action, target, **data)` rows for grades, overrides, resets,
stage changes and moderation. Written in the caller's transaction (flush only)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True, comment="e.g. exam.override")
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int | None] = mapped_column(index=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def audit(actor, action: str, target, **data) -> AuditEntry:
    """Record that `actor` did `action` to `target` (a model instance, or None)."""
    entry = AuditEntry(actor_id=getattr(actor, "id", None), action=action,
                       target_type=type(target).__tablename__ if target is not None else "none",
                       target_id=getattr(target, "id", None), data=_jsonable(data))
    db.session.add(entry)
    return entry


def _jsonable(data: dict) -> dict:
    return {key: value.isoformat() if isinstance(value, datetime) else value for key, value in data.items()}
