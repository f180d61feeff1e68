"""A mixin for rows moderators can hide without deleting (posts, threads, comments).

    class Post(HideableMixin, db.Model): ...
    post.hide(moderator, "spam"); post.unhide()
    select(Post).where(Post.visible())       # or Post.visible_only(select(Post))

Hiding keeps the row (replies and audit entries still point at it) and records who and
why; the caller writes the audit entry and commits, as for any other change.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Select, String, false
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from .types import UTCDateTime, utcnow

MAX_REASON_LENGTH = 500


class HideableMixin:
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(),
                                         nullable=False)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    hidden_reason: Mapped[str | None] = mapped_column(String(MAX_REASON_LENGTH), nullable=True)

    @declared_attr
    def hidden_by_id(cls) -> Mapped[int | None]:
        # SET NULL: deleting the moderator's account keeps the row hidden, only forgets who.
        return mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True)

    def hide(self, by, reason: str | None = None, at: datetime | None = None) -> None:
        """Hide the row: `by` is the moderator (a user or None), `reason` an optional note."""
        if reason is not None and len(reason) > MAX_REASON_LENGTH:
            raise ValueError(f"reason longer than {MAX_REASON_LENGTH} characters")
        self.hidden = True
        self.hidden_at = at or utcnow()
        self.hidden_by_id = getattr(by, "id", None)
        self.hidden_reason = reason or None

    def unhide(self) -> None:
        self.hidden = False
        self.hidden_at = None
        self.hidden_by_id = None
        self.hidden_reason = None

    @classmethod
    def visible(cls):
        """The WHERE clause for rows not hidden: `select(Post).where(Post.visible())`."""
        return cls.hidden == false()

    @classmethod
    def visible_only(cls, query: Select) -> Select:
        return query.where(cls.visible())
