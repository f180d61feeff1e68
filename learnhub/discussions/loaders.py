"""Load a thread, a post or a place of threads for the current user, or refuse.

One rule, pages and API alike: 404 when the caller may not read the thread (or place) or
it does not exist, or the thread is hidden and the caller does not moderate it; 403 when
they may read it but may not do `action`.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..classes.loaders import load_class
from ..core.errors import Forbidden, NotFound
from ..core.permissions import allowed
from ..courses.services import course_units, get_course
from ..extensions import db
from .models import Post, Thread
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
