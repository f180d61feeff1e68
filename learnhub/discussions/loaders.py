"""Load a thread, a post or a place of threads for the current user, or refuse.

One rule, pages and API alike: 404 when the caller may not read the thread (or place) or
it does not exist, or the thread is hidden and the caller does not moderate it; 403 when
they may read it but may not do `action`.
"""
from __future__ import annotations

from functools import cache

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
from .places import Place


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


@cache
def _thread_statement(with_reader: bool):
    """The thread with its class (a class thread's policies ask for it) and, `with_reader`,
    the reader's ThreadUser: built once, bound per call."""
    query = (select(Thread, SchoolClass).outerjoin(SchoolClass, SchoolClass.id == Thread.class_id)
             .where(Thread.id == bindparam("thread_id")))
    if with_reader:
        query = query.add_columns(ThreadUser).outerjoin(ThreadUser, and_(
            ThreadUser.thread_id == Thread.id, ThreadUser.user_id == bindparam("user_id")))
    return query


def load_thread_with_class(thread_id: int, action: str = "discussion.read") -> Thread:
    """load_thread in one statement for a class thread too: its class comes with it (held by
    the policies' per-request cache once they ask), so the rules find it without a query."""
    row = db.session.execute(_thread_statement(False), {"thread_id": thread_id}).first()
    return _authorized(row[0] if row else None, action, _l("No thread %(id)s.", id=thread_id))


def load_thread_for_reader(thread_id: int, reader) -> tuple[Thread, ThreadUser | None]:
    """load_thread (to read) for the thread page, with `reader`'s place in it (their ThreadUser,
    None before their first visit) and a class thread's class, in one statement."""
    row = db.session.execute(_thread_statement(True), {"thread_id": thread_id, "user_id": reader.id}).first()
    thread, _class, thread_user = row if row else (None, None, None)
    return _authorized(thread, "discussion.read", _l("No thread %(id)s.", id=thread_id)), thread_user


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
