"""The moderation tests' world: a course thread (party-building-online, unit why-online) and a
class thread, each by a member with a reply by another; the class's head teacher and grader,
another class's head teacher, a global instructor in no class, an outsider member, an admin."""
from __future__ import annotations

import pytest

from tests.support.discussions import course_ids, seed_posts, seed_thread
from tests.support.web import api_client


class Forum:
    def client(self, user):
        return api_client(self.app, user)


@pytest.fixture
def forum(app, db, make_user, make_class):
    f = Forum()
    f.app = app
    f.author, f.replier, f.outsider = make_user("author"), make_user("replier"), make_user("outsider")
    f.grader = make_user("grader", role="instructor")
    f.instructor = make_user("lecturer", role="instructor")  # a global instructor in no class
    f.admin = make_user("boss", role="admin")
    f.gone = make_user("gone", role="staff", active=False)
    f.school_class = make_class(members=[f.author, f.replier], graders=[f.grader])
    f.head = f.school_class.head
    f.other_class = make_class(members=[f.outsider])
    f.other_head = f.other_class.head
    f.course_id, f.unit_id = course_ids("party-building-online", "why-online")
    f.thread = seed_thread(f.author, course_id=f.course_id, unit_id=f.unit_id, title="Course thread")
    seed_posts(f.thread, [f.replier], 2)
    f.class_thread = seed_thread(f.author, class_id=f.school_class.id, title="Class thread")
    seed_posts(f.class_thread, [f.replier], 1)
    db.session.commit()
    return f


