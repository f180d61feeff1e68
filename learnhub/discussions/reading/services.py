"""Unread tracking, as Discourse keeps it: per member and thread the number of the last post
read (`ThreadUser.last_read_number`) against the thread's `highest_number`.

Every write here is one statement, safe when two tabs (or two workers) record at once:
- `mark_read` is an upsert that never lowers the number (an older tab cannot unread posts);
- `mark_all_read` is one INSERT .. SELECT .. ON CONFLICT over a place's threads.
They flush nothing else and commit nothing: the view commits.

"Unanswered" (the staff dashboard's count): a question thread that is not hidden, not locked
and has no reply shown (`replies_count` = 0, so a deleted or hidden reply does not answer it).
A locked question is left out: nobody can answer it, it needs no one's attention.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, false, func, literal, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ...core.permissions import allowed
from ...core.types import utcnow
from ...extensions import db
from ..models import Post, Thread, ThreadUser
from ..places import Place, place_of
from ..queries import place_filter


def _insert(table):
    return (pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert)(table)


def _key():
    return [ThreadUser.user_id, ThreadUser.thread_id]


def mark_read(user, thread: Thread, number: int, *, now: datetime | None = None) -> None:
    """Record that `user` has read `thread` up to post `number` (clamped to 0..highest_number);
    never lowers what was recorded. One statement."""
    _record(user.id, thread.id, max(0, min(int(number), thread.highest_number)), now or utcnow())


def _record(user_id: int, thread_id: int, number: int, now: datetime) -> None:
    statement = _insert(ThreadUser).values(user_id=user_id, thread_id=thread_id, last_read_number=number,
                                           last_visited_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=_key(),
        set_={"last_read_number": case(
                  (statement.excluded.last_read_number > ThreadUser.last_read_number,
                   statement.excluded.last_read_number),
                  else_=ThreadUser.last_read_number),
              "last_visited_at": statement.excluded.last_visited_at})
    db.session.execute(statement)


def last_read_number(user, thread: Thread) -> int:
    return db.session.scalar(select(ThreadUser.last_read_number).where(
        ThreadUser.user_id == user.id, ThreadUser.thread_id == thread.id)) or 0


def mark_all_read(user, place: Place, *, include_hidden: bool = False) -> int:
    """Mark every thread of `place` read to its last post for `user`; returns how many threads
    changed. One INSERT .. SELECT .. ON CONFLICT statement (the visit time is left alone: this
    is not a visit; `following` stays as it was). Hidden threads only for a moderator
    (`include_hidden`): a member must not learn even how many there are."""
    rows = select(literal(user.id), Thread.id, Thread.highest_number).where(place_filter(place))
    if not include_hidden:
        rows = rows.where(Thread.hidden == false())
    statement = _insert(ThreadUser).from_select(["user_id", "thread_id", "last_read_number"], rows)
    statement = statement.on_conflict_do_update(
        index_elements=_key(),
        set_={"last_read_number": statement.excluded.last_read_number},
        where=ThreadUser.last_read_number < statement.excluded.last_read_number,
    ).execution_options(preserve_rowcount=True)  # an INSERT's rowcount is kept only when asked
    return db.session.execute(statement).rowcount


@dataclass(frozen=True)
class UnreadThread:
    """A thread with replies the member has not read (the home page's list)."""

    id: int
    title: str
    kind: str
    course_id: int | None
    unit_id: int | None
    class_id: int | None
    highest_number: int
    last_read_number: int
    last_posted_at: datetime

    @property
    def new_posts(self) -> int:
        return self.highest_number - self.last_read_number


UNREAD_SCAN = 4  # rows read per row shown: room for threads the member may no longer read


def unread_threads(user, limit: int = 10) -> list[UnreadThread]:
    """Threads the member follows (or posted in and never chose) with posts after their last
    read one, latest activity first; not hidden, and only those they may still read (a class
    they left). One query; the permission check runs on the few rows read."""
    posted = exists().where(Post.thread_id == Thread.id, Post.author_id == user.id)
    query = (
        select(Thread.id, Thread.title, Thread.kind, Thread.course_id, Thread.unit_id, Thread.class_id,
               Thread.highest_number, ThreadUser.last_read_number, Thread.last_posted_at)
        .join(ThreadUser, and_(ThreadUser.thread_id == Thread.id, ThreadUser.user_id == user.id))
        .where(Thread.highest_number > ThreadUser.last_read_number, Thread.hidden.is_(False),
               or_(ThreadUser.following.is_(True), and_(ThreadUser.following.is_(None), posted)))
        .order_by(Thread.last_posted_at.desc(), Thread.id.desc())
        .limit(limit * UNREAD_SCAN))
    found = []
    for row in db.session.execute(query):
        entry = UnreadThread(*row)
        if allowed(user, "discussion.read", place_of(entry)):
            found.append(entry)
            if len(found) == limit:
                break
    return found


def unanswered_filter():
    return and_(Thread.kind == "question", Thread.hidden.is_(False), Thread.locked.is_(False),
                Thread.replies_count == 0)


def unanswered_count(place: Place) -> int:
    """Question threads of `place` waiting for an answer (see this module's docstring)."""
    return db.session.scalar(select(func.count()).select_from(Thread)
                             .where(place_filter(place), unanswered_filter())) or 0


def on_post_created(_sender, post=None, **_extra) -> None:
    """A member has read what they just wrote: their own post never makes the thread unread.
    (The post's number, not thread.highest_number: the ORM copy may predate the post.)"""
    if post is not None and post.author_id is not None:
        _record(post.author_id, post.thread_id, post.number, utcnow())
