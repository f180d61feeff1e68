"""Who may read, post in and moderate threads (asked through core.permissions.allowed).

Each action takes a Thread or a Place (a course, a unit of it, or a class):
- `discussion.read`: a course's threads, whoever may see the course (drafts: instructors);
  a class's threads, its members and staff (class.view) only.
- `discussion.post`: the same people (a locked or hidden thread is refused by the service).
- `discussion.moderate`: a course's threads, instructors and staff (and admins); a class's
  threads, that class's staff (class.staff).
`discussion.edit` is asked of a Post: its author within the edit window, or a moderator of
its thread (the service passes the thread along: see posting.services.may_edit).
"""
from __future__ import annotations

from ..classes.services import ensure_writable
from ..core.permissions import allowed, has_role, register_policy
from ..courses.services import can_see_drafts
from .places import class_of, course_entry

MODERATOR_ROLES = ("instructor", "staff")


def may_read(user, place) -> bool:
    if place is None or not getattr(user, "is_authenticated", False):
        return False
    if place.class_id is not None:
        return allowed(user, "class.view", class_of(place))
    course = course_entry(place.course_id)
    return course is not None and (not course.draft or can_see_drafts(user))


def read_only(place) -> bool:
    """A thread or place of an archived class: readable, nothing more is written to it."""
    return place is not None and place.class_id is not None and bool(getattr(class_of(place), "read_only", False))


def refuse_read_only(place) -> None:
    """409 `class_archived` for a thread or place of an archived class (as every class record)."""
    if read_only(place):
        ensure_writable(class_of(place))


def may_moderate(user, place) -> bool:
    if not may_read(user, place):
        return False
    if place.class_id is not None:
        return allowed(user, "class.staff", class_of(place))
    return has_role(user, *MODERATOR_ROLES)


def register(app) -> None:
    register_policy(app, "discussion.read", may_read)
    register_policy(app, "discussion.post", may_read)
    register_policy(app, "discussion.moderate", may_moderate)
