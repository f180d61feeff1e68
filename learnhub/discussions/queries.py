"""The read queries of threads and posts, shared by the pages, the API and the panels:
a list of threads with the reader's unread state, and a page of a thread's posts with
what a post's box shows (author, quote, flags). Light rows (Core), no ORM objects: each
function issues one statement whatever the thread's or the list's size.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import and_, bindparam, exists, false, select, true
from sqlalchemy.orm import aliased

from ..auth.models import User
from ..core.notifications import site_path
from ..core.pagination import Key, Page, paginate
from ..extensions import db
from .models import Post, Thread, ThreadUser

PAGE_SIZE = 20  # threads on a list page, posts on a thread page


@dataclass(frozen=True)
class ThreadRow:
    id: int
    title: str
    kind: str
    pinned: bool
    locked: bool
    hidden: bool
    author_username: str | None
    author_name: str | None
    replies_count: int
    highest_number: int
    last_posted_at: datetime
    last_read_number: int | None  # None: the reader never opened the thread
    answered: bool
    unit_id: int | None
    course_id: int | None
    class_id: int | None

    @property
    def url(self) -> str:
        return site_path("discussions.thread", thread_id=self.id)

    @property
    def unread(self) -> bool:
        """Never opened, or posts written since the reader's last one read."""
        return self.last_read_number is None or self.highest_number > self.last_read_number

    @property
    def new_posts(self) -> int:
        """Posts after the last one read (0 for a thread never opened: it is all new)."""
        if self.last_read_number is None:
            return 0
        return max(0, self.highest_number - self.last_read_number)


def place_filter(place):
    """The threads of a place: a class's, a unit's, or all of a course's (its units' too)."""
    if place.class_id is not None:
        return Thread.class_id == place.class_id
    if place.unit_id is not None:
        return and_(Thread.course_id == place.course_id, Thread.unit_id == place.unit_id)
    return Thread.course_id == place.course_id


def thread_list(viewer, place, *, cursor: str | None = None, limit: int = PAGE_SIZE,
                include_hidden: bool = False, unit_only: bool = False) -> Page:
    """Page of ThreadRow of `place`: pinned first, then by last activity (newest first).

    A class place lists the class's threads; a unit place that unit's; a course place all the
    course's threads (`unit_only`: only those on no unit). One statement (the reader's
    ThreadUser joined, the accepted answer an EXISTS)."""
    author = aliased(User)
    answered = exists().where(Post.thread_id == Thread.id, Post.accepted == true())
    query = (select(Thread.id, Thread.title, Thread.kind, Thread.pinned, Thread.locked, Thread.hidden,
                    author.username.label("author_username"), author.display_name.label("author_name"),
                    Thread.replies_count, Thread.highest_number, Thread.last_posted_at,
                    ThreadUser.last_read_number, answered.label("answered"),
                    Thread.unit_id, Thread.course_id, Thread.class_id)
             .outerjoin(author, author.id == Thread.author_id)
             .outerjoin(ThreadUser, and_(ThreadUser.thread_id == Thread.id,
                                         ThreadUser.user_id == getattr(viewer, "id", None))))
    query = query.where(place_filter(place))
    if unit_only and place.class_id is None and place.unit_id is None:
        query = query.where(Thread.unit_id.is_(None))
    if not include_hidden:
        query = query.where(Thread.hidden == false())
    keys = [Key(Thread.pinned, desc=True, nullable=False), Key(Thread.last_posted_at, desc=True, nullable=False),
            Key(Thread.id, desc=True, nullable=False)]
    page = paginate(query, keys, limit=limit, cursor=cursor)
    page.items = [ThreadRow(**{**row._asdict(), "answered": bool(row.answered)}) for row in page.items]
    return page


# Named tuples (not dataclasses): the post boxes are kept by their row (reading.boxes), and a
# tuple hashes and compares in C.
class QuoteRow(NamedTuple):
    id: int
    number: int
    author_name: str | None
    excerpt: str  # "" when the quoted post is deleted or hidden (never leaks what was removed)
    available: bool


class PostRow(NamedTuple):
    id: int
    number: int
    author_id: int | None
    author_username: str | None
    author_name: str | None
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    deleted_at: datetime | None  # beside `deleted`: posting's may_edit/may_delete take a row as a Post
    hidden: bool
    hidden_reason: str | None
    accepted: bool
    quote: QuoteRow | None

    @property
    def anchor(self) -> str:
        return f"post-{self.number}"


@cache
def _posts_statement(backwards: bool):
    """The posts query, built once per direction (a thread page runs it on every view); the
    thread, the bounds and the limit are bound per call."""
    author = aliased(User)
    quoted = aliased(Post)
    quoted_author = aliased(User)
    query = (select(Post.id, Post.number, Post.author_id, author.username, author.display_name, Post.body_html,
                    Post.created_at, Post.edited_at, Post.deleted_at, Post.hidden, Post.hidden_reason,
                    Post.accepted, quoted.id, quoted.number, quoted_author.display_name, quoted.excerpt,
                    quoted.deleted_at, quoted.hidden)
             .outerjoin(author, author.id == Post.author_id)
             .outerjoin(quoted, quoted.id == Post.quote_post_id)
             .outerjoin(quoted_author, quoted_author.id == quoted.author_id)
             .where(Post.thread_id == bindparam("thread_id"), Post.number > bindparam("after")))
    if backwards:
        query = query.where(Post.number < bindparam("before")).order_by(Post.number.desc())
    else:
        query = query.order_by(Post.number)
    return query.limit(bindparam("limit"))


def post_rows(thread, *, after: int = 0, before: int | None = None, limit: int = PAGE_SIZE) -> list[PostRow]:
    """Up to `limit` posts of `thread` by number: those after `after`, or with `before`, the
    last `limit` before it (still in ascending order). One statement (authors and the quoted
    post joined). A deleted post's text is not returned; a hidden one's is (the page shows it
    to moderators only). It reads what is flushed (the services flush; nothing autoflushes here)."""
    values = {"thread_id": thread.id, "after": after, "limit": limit}
    if before is not None:
        values["before"] = before
    # On the connection: a Core statement run through the session pays for ORM machinery it never uses.
    rows = db.session.connection().execute(_posts_statement(before is not None), values).all()
    if before is not None:
        rows.reverse()
    return [_post_row(row) for row in rows]


def _post_row(row) -> PostRow:
    (pid, number, author_id, username, name, body_html, created_at, edited_at, deleted_at, hidden, reason,
     accepted, q_id, q_number, q_author, q_excerpt, q_deleted_at, q_hidden) = row
    quote = None
    if q_id is not None:
        available = q_deleted_at is None and not q_hidden
        quote = QuoteRow(id=q_id, number=q_number, author_name=q_author,
                         excerpt=q_excerpt if available else "", available=available)
    deleted = deleted_at is not None
    # PostRow's fields in order (_make: a page builds twenty of them)
    return PostRow._make((pid, number, author_id, username, name, "" if deleted else body_html, created_at,
                          edited_at, deleted, deleted_at, bool(hidden), reason, bool(accepted), quote))


@cache
def _author_statement():
    return select(User.username, User.display_name).where(User.id == bindparam("user_id"))


def thread_author(thread) -> tuple[str, str] | None:
    """(username, display name) of the thread's author, None once the account is gone: one
    statement built once, on the connection (no User object for two strings)."""
    if thread.author_id is None:
        return None
    return db.session.connection().execute(_author_statement(), {"user_id": thread.author_id}).first()


_POST_NUMBER = re.compile(r"[0-9]{1,9}")


def post_number(raw: str | None) -> int | None:
    """A post number or id as a query argument sends it: ASCII digits, at most 9 (so it fits
    the database's integers); None for anything else ("²" is a digit to str.isdigit)."""
    return int(raw) if raw is not None and _POST_NUMBER.fullmatch(raw) else None


def first_unread_number(thread, thread_user) -> int:
    """The number of the post a returning reader opens at: the first after the last one read,
    or 1 for a reader who never opened the thread (or read it all: then the last post)."""
    if thread_user is None or not thread_user.last_read_number:
        return 1
    return min(thread_user.last_read_number + 1, max(thread.highest_number, 1))
