"""Load a thread, a post or a place of threads for the current user, or refuse.

One rule, pages and API alike: 404 when the caller may not read the thread (or place) or
it does not exist, or the thread is hidden and the caller does not moderate it; 403 when
they may read it but may not do `action`.
"""
from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import and_, bindparam, select

from ..classes.loaders import load_class
from ..classes.models import SchoolClass
from ..core.errors import Forbidden, NotFound
from ..core.permissions import allowed
from ..courses.services import course_units, get_course
from ..extensions import db
from .models import Post, Thread, ThreadUser
from .places import Place, hold_class


def _authorized(target, action: str, missing):
    if target is None or not allowed(current_user, "discussion.read", target):
        raise NotFound(missing)
    if getattr(target, "hidden", False) and not allowed(current_user, "discussion.moderate", target):
        raise NotFound(missing)
    if action != "discussion.read" and not allowed(current_user, action, target):
        raise Forbidden(_l("You do not have permission to do this in this discussion."))
    return target


def load_thread(thread_id: int, action: str = "discussion.read") -> Thread:
    return _authorized(db.session.get(Thread, thread_id), action, _l("No thread %(id)s.", id=thread_id))


class ThreadHead(NamedTuple):
    """A thread as the reading paths show it (the thread page, its live poll, the API's GET):
    its columns, no ORM object. A Thread has the same attributes, so the rules, the templates
    and the services that read take either."""
    id: int
    course_id: int | None
    unit_id: int | None
    class_id: int | None
    author_id: int | None
    kind: str
    title: str
    pinned: bool
    locked: bool
    hidden: bool
    hidden_reason: str | None
    highest_number: int
    replies_count: int
    version: int
    created_at: datetime
    last_posted_at: datetime


class ClassHead(NamedTuple):
    """What the discussion rules and pages read of a thread's class."""
    id: int
    name: str
    status: str
    read_only = property(SchoolClass.read_only.fget)  # the class's own rule, read from `status`


class ReaderPlace(NamedTuple):
    """The reader's ThreadUser as the thread page reads it."""
    last_read_number: int
    following: bool | None


_HEAD = (Thread.id, Thread.course_id, Thread.unit_id, Thread.class_id, Thread.author_id, Thread.kind, Thread.title,
         Thread.pinned, Thread.locked, Thread.hidden, Thread.hidden_reason, Thread.highest_number,
         Thread.replies_count, Thread.version, Thread.created_at, Thread.last_posted_at)


@cache
def _head_statement(with_reader: bool):
    """The thread's columns, its class's (a class thread's rules ask for it) and, `with_reader`,
    the reader's place: built once, bound per call."""
    query = (select(*_HEAD, SchoolClass.name, SchoolClass.status)
             .outerjoin(SchoolClass, SchoolClass.id == Thread.class_id).where(Thread.id == bindparam("thread_id")))
    if with_reader:
        query = query.add_columns(ThreadUser.user_id, ThreadUser.last_read_number, ThreadUser.following).outerjoin(
            ThreadUser, and_(ThreadUser.thread_id == Thread.id, ThreadUser.user_id == bindparam("user_id")))
    return query


def _read_head(thread_id: int, reader_id: int | None = None):
    """(ThreadHead or None, the rest of the row); the class is held for the rules (`hold_class`)."""
    values = {"thread_id": thread_id} if reader_id is None else {"thread_id": thread_id, "user_id": reader_id}
    # On the connection: plain rows, none of the ORM's result machinery.
    row = db.session.connection().execute(_head_statement(reader_id is not None), values).first()
    if row is None:
        return None, ()
    head, rest = ThreadHead._make(row[:len(_HEAD)]), row[len(_HEAD):]
    if head.class_id is not None:
        hold_class(ClassHead(head.class_id, rest[0], rest[1]))
    return head, rest[2:]


def read_thread(thread_id: int) -> ThreadHead:
    """load_thread (to read) as a ThreadHead, a class thread's class with it: one statement."""
    head, _rest = _read_head(thread_id)
    return _authorized(head, "discussion.read", _l("No thread %(id)s.", id=thread_id))


def read_thread_for(reader, thread_id: int) -> tuple[ThreadHead, ReaderPlace | None]:
    """read_thread with `reader`'s place in the thread (None before their first visit): one
    statement for the thread page."""
    head, rest = _read_head(thread_id, reader.id)
    place = ReaderPlace(rest[1], rest[2]) if head is not None and rest[0] is not None else None
    return _authorized(head, "discussion.read", _l("No thread %(id)s.", id=thread_id)), place


def load_post(post_id: int, action: str = "discussion.read") -> tuple[Post, Thread]:
    """(post, its thread); `action` is asked of the thread. A hidden post is still loaded
    (the services decide what a non-moderator sees of it)."""
    missing = _l("No post %(id)s.", id=post_id)
    post = db.session.get(Post, post_id)
    thread = db.session.get(Thread, post.thread_id) if post is not None else None
    return post, _authorized(thread, action, missing)


def course_place(course_slug: str, unit_slug: str | None = None, action: str = "discussion.read") -> Place:
    """A course's threads (or one unit's): 404 for a course or unit the caller cannot see."""
    course = get_course(course_slug, current_user)  # the content index: no query
    if course is None:
        raise NotFound(_l("No course '%(course)s'.", course=course_slug))
    unit_id = None
    if unit_slug:
        unit = next((u for u in course_units(course, current_user) if u.slug == unit_slug), None)
        if unit is None:
            raise NotFound(_l("No unit '%(unit)s' in course '%(course)s'.", unit=unit_slug, course=course_slug))
        unit_id = unit.id
    return _authorized(Place(course_id=course.id, unit_id=unit_id), action,
                       _l("No course '%(course)s'.", course=course_slug))


def class_place(class_id: int, action: str = "discussion.read") -> Place:
    school_class = load_class(class_id)  # 404 outside the class
    return _authorized(Place(class_id=school_class.id), action, _l("No class %(id)s.", id=class_id))
