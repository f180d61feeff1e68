"""Threads, posts, their revisions, each reader's place in a thread, and reports.

The shape is Discourse's: a thread's posts are numbered 1, 2, 3... in the order they were
written (`Post.number`, unique per thread; the thread's `highest_number` is the last one
given), so "unread" is one comparison per member and thread (`ThreadUser.last_read_number`
against `Thread.highest_number`) and "open at the first unread post" is a keyset seek.
A post's Markdown is rendered once when it is written (`body_html`, the member-text
renderer), never per page view.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..core.hideable import HideableMixin
from ..core.types import UTCDateTime, utcnow
from ..extensions import db

TITLE_MAX = 200
BODY_MAX = 20_000
REASON_MAX = 500
EXCERPT_MAX = 200
CLIENT_KEY_MAX = 64
KINDS = ("discussion", "question")


class Thread(HideableMixin, db.Model):
    """A thread of a course (optionally of one of its units) or of a class, never both."""

    __tablename__ = "threads"
    __table_args__ = (
        CheckConstraint("(course_id IS NULL) <> (class_id IS NULL)", name="course_or_class"),
        CheckConstraint("unit_id IS NULL OR course_id IS NOT NULL", name="unit_in_course"),
        CheckConstraint("kind IN ('discussion', 'question')", name="kind_known"),
        CheckConstraint("highest_number >= 0 AND replies_count >= 0", name="counts_not_negative"),
        # A list's order: pinned first, then by last activity (keyset pages on these).
        Index("ix_threads_course_activity", "course_id", "pinned", "last_posted_at", "id"),
        Index("ix_threads_class_activity", "class_id", "pinned", "last_posted_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="discussion",
                                      comment="discussion, or question (one reply may be accepted)")
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    pinned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(),
                                         comment="no new replies")
    highest_number: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"),
                                                comment="the number of the last post written")
    replies_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"),
                                               comment="replies shown (not deleted or hidden)")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"),
                                         comment="bumped by every change to the thread or its posts: the ETag")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_posted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow,
                                                     comment="the last reply's time: the lists' order")
    last_poster_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)


class Post(HideableMixin, db.Model):
    """One post of a thread: number 1 is the thread's first post, later ones are replies."""

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("thread_id", "number"),
        # A double-submitted form (or a retried API call) posts once: one post per author and key.
        UniqueConstraint("author_id", "client_key"),
        CheckConstraint("number >= 1", name="number_positive"),
        # One accepted answer per thread.
        Index("uq_posts_one_accepted", "thread_id", unique=True,
              sqlite_where=text("accepted"), postgresql_where=text("accepted")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer, comment="1, 2, 3... within the thread")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text, comment="Markdown as written")
    body_html: Mapped[str] = mapped_column(Text, comment="rendered once on write (member-text renderer)")
    excerpt: Mapped[str] = mapped_column(String(EXCERPT_MAX), default="",
                                         comment="plain text start, for quotes and notifications")
    quote_post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"), index=True,
                                                      comment="the post this reply quotes")
    accepted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    client_key: Mapped[str | None] = mapped_column(String(CLIENT_KEY_MAX),
                                                   comment="idempotency key from the form or API client")
    search_text: Mapped[str] = mapped_column(Text, default="",
                                             comment="tokens for search (discussions.search), the title's too on post 1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, comment="soft delete by its author")
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)


class PostRevision(db.Model):
    """The text a post had before an edit (moderators see the history)."""

    __tablename__ = "post_revisions"
    __table_args__ = (UniqueConstraint("post_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer, comment="1 = the original text")
    title: Mapped[str | None] = mapped_column(String(TITLE_MAX), comment="the thread title then (post 1)")
    body: Mapped[str] = mapped_column(Text)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, comment="when it was replaced")


class ThreadUser(db.Model):
    """A member's place in a thread: the last post read, and whether they follow it."""

    __tablename__ = "thread_users"
    __table_args__ = (CheckConstraint("last_read_number >= 0", name="last_read_not_negative"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)
    last_read_number: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    following: Mapped[bool | None] = mapped_column(
        Boolean, comment="null: never chose (posting follows); false: unfollowed, posting keeps it so")
    last_visited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PostReport(db.Model):
    """A member's report of a post to the moderators: one per member and post."""

    __tablename__ = "post_reports"
    __table_args__ = (
        UniqueConstraint("post_id", "reporter_id"),
        CheckConstraint("resolution IS NULL OR resolution IN ('hidden', 'dismissed')", name="resolution_known"),
        CheckConstraint("(resolved_at IS NULL) = (resolution IS NULL)", name="resolved_with_resolution"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(REASON_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    resolution: Mapped[str | None] = mapped_column(String(16))


# The search index (FTS5 on SQLite, a GIN tsvector index on PostgreSQL) is built with the table.
from .search_schema import install as _install_search_index  # noqa: E402

_install_search_index(Post.__table__)
