"""The posting tests' world: a course place (party-building-online, its first unit), a
class with a member and an outsider of it, and an instructor (a course moderator)."""
from __future__ import annotations

import pytest

from learnhub.discussions.places import Place
from tests.support.discussions import course_ids


@pytest.fixture
def forum(app, db, make_user, make_class, clock):
    member, other, instructor = make_user("poster"), make_user("reader"), make_user("teacher", role="instructor")
    outsider = make_user("outsider")
    school_class = make_class(members=[member, other])
    other_class = make_class(members=[outsider])
    course_id, unit_id = course_ids("party-building-online", "why-online")

    class Forum:
        pass

    forum = Forum()
    forum.member, forum.other, forum.instructor, forum.outsider = member, other, instructor, outsider
    forum.school_class, forum.other_class, forum.clock = school_class, other_class, clock
    forum.course = Place(course_id=course_id, unit_id=unit_id)
    forum.klass = Place(class_id=school_class.id)
    return forum
