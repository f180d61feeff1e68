"""The reading tests' world: a small course "rc" (unit "first", unit "second" locked behind
"first"), class A with two members and its head teacher, class B with its own member, and
threads seeded straight to the tables (tests/support/discussions.py)."""
from __future__ import annotations

import pytest

from learnhub.courses.catalog import get_catalog
from learnhub.courses.index import sync_all
from learnhub.extensions import db as _db
from tests.support.content import course_file, unit_file
from tests.support.discussions import course_ids
from tests.support.web import api_client

SECOND = "---\ntitle: Second\nsummary: S\nestimated_minutes: 5\nrequires: [first]\n---\n## Part\n\nText.\n"


@pytest.fixture
def app(make_app, write_content):
    root = write_content({"rc/course.md": course_file("Reading course"),
                          "rc/01-first.md": unit_file("First"), "rc/02-second.md": SECOND})
    app = make_app(CONTENT_DIR=str(root), LIVE_POLL_SECONDS=1)
    with app.app_context():
        sync_all(_db.session, get_catalog().tree())
        _db.session.commit()
        yield app


@pytest.fixture
def world(app, db, make_user, make_class):
    ann, bob, carl = make_user("ann"), make_user("bob"), make_user("carl")
    head = make_user("head", role="staff")
    class_a = make_class(head=head, members=[ann, bob], courses=["rc"])
    class_b = make_class(members=[carl], courses=["rc"])
    course_id, first_id = course_ids("rc", "first")
    _, second_id = course_ids("rc", "second")

    class World:
        pass

    w = World()
    w.ann, w.bob, w.carl, w.head, w.class_a, w.class_b = ann, bob, carl, head, class_a, class_b
    w.course_id, w.first_id, w.second_id = course_id, first_id, second_id
    w.client = lambda user: api_client(app, user)
    return w
