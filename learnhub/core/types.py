"""Timezone-aware UTC timestamps, stored the same way on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


def _system_now() -> datetime:
    return datetime.now(timezone.utc)


# Where "now" comes from. Tests swap it (one clock for every module: see tests' `clock`).
now_source = _system_now


def utcnow() -> datetime:
    return now_source()


def iso(moment: datetime | None) -> str | None:
    """A time as the API and the pages' data attributes show it: ISO 8601 in UTC with `Z`
    (`2026-11-24T12:00:00Z`); None stays None. A naive time is taken as UTC (what the
    UTCDateTime columns hold)."""
    if moment is None:
        return None
    moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    return moment.isoformat().replace("+00:00", "Z")


class UTCDateTime(TypeDecorator):
    """A datetime column that refuses naive values and always returns aware UTC ones."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: pass a timezone-aware value")
        value = value.astimezone(timezone.utc)
        # SQLite has no time zone storage: keep UTC as a naive value there.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )
