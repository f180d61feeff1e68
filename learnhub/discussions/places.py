"""Where threads live: a course (optionally one of its units) or a class.

A `Place` is what the list pages, the create forms and the policies talk about before a
thread exists; a `Thread` has the same three attributes, so a policy takes either.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, has_request_context

from ..classes.services import get_class
from ..courses.index import content_index


@dataclass(frozen=True)
class Place:
    course_id: int | None = None
    unit_id: int | None = None
    class_id: int | None = None

    @property
    def is_class(self) -> bool:
        return self.class_id is not None


def place_of(thread) -> Place:
    return Place(course_id=thread.course_id, unit_id=thread.unit_id, class_id=thread.class_id)


def course_entry(course_id: int | None):
    """The visible course's index entry (None: removed or not a course place)."""
    return content_index().course_by_id(course_id) if course_id is not None else None


def unit_entry(course_id: int | None, unit_id: int | None):
    if course_id is None or unit_id is None:
        return None
    return next((u for u in content_index().units.get(course_id, []) if u.id == unit_id), None)


def class_of(place):
    """The place's class, once per request: the rules ask for it once per post on a thread
    page. A loader that read it with the thread gives it here first (`hold_class`)."""
    if not has_request_context():
        return get_class(place.class_id)
    known = g.setdefault("discussion_classes", {})
    if place.class_id not in known:
        known[place.class_id] = get_class(place.class_id)
    return known[place.class_id]


def hold_class(school_class) -> None:
    """`school_class` (a SchoolClass, or what a loader read of it: id, name, status, read_only)
    is the class `class_of` answers for its id in this request."""
    if has_request_context():
        g.setdefault("discussion_classes", {})[school_class.id] = school_class
