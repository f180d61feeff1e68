"""The search tests' world, on its own content: a course "open" (unit "first") and a draft
course "secret"; class A (member alice, head teacher) and class B (member bob); an
instructor (sees drafts), an admin. Posts are written through the posting services, so
their search_text is what the site stores."""
from __future__ import annotations

from datetime import date

import pytest

from learnhub.auth import services as auth_services
from learnhub.classes.services import create_class
from learnhub.courses.catalog import get_catalog
from learnhub.courses.index import sync_all
from learnhub.discussions.places import Place
from learnhub.discussions.posting import services as posting
from learnhub.extensions import db as _db
from tests.support.content import course_file, unit_file
from tests.support.discussions import course_ids
from tests.support.factories import enrol
from tests.support.web import PASSWORD, api_client, login


class World:
    def thread(self, author, place, title, body="…"):
        thread, _made = posting.create_thread(author, place, title, body)
        _db.session.commit()
        return thread

    def reply(self, author, thread, body):
        post, _made = posting.reply(author, thread, body)
        _db.session.commit()
        return post

    def api(self, user):
        return api_client(self.app, user)

    def page_client(self, user):
        client = self.app.test_client()
        assert login(client, user.username).status_code == 302
        return client


@pytest.fixture
def world(make_app, write_content):
    root = write_content({
        "open/course.md": course_file("Open course"),
        "open/01-first.md": unit_file("First"),
        "secret/course.md": course_file("Secret draft course", draft=True, order=2),
        "secret/01-only.md": unit_file("Only"),
    })
    app = make_app(CONTENT_DIR=str(root))
    with app.app_context():
        sync_all(_db.session, get_catalog().tree())
        _db.session.commit()
        w = World()
        w.app = app
        users = {}
        for name, role in (("alice", "member"), ("bob", "member"), ("head", "staff"), ("teacher", "instructor"),
                           ("boss", "admin"), ("loner", "member")):
            users[name] = auth_services.create_user(name, PASSWORD, role)
        _db.session.commit()
        for name, user in users.items():
            setattr(w, name, user)
        w.class_a = create_class(w.head, "Class A", "CA", date(2026, 9, 1), date(2027, 1, 15), course_slugs=["open"])
        w.class_b = create_class(w.head, "Class B", "CB", date(2026, 9, 1), date(2027, 1, 15), course_slugs=["open"])
        enrol(w.class_a, w.alice)
        enrol(w.class_b, w.bob)
        _db.session.commit()
        course_id, unit_id = course_ids("open", "first")
        secret_id, _none = course_ids("secret")
        w.course = Place(course_id=course_id)
        w.unit = Place(course_id=course_id, unit_id=unit_id)
        w.secret = Place(course_id=secret_id)
        w.in_a, w.in_b = Place(class_id=w.class_a.id), Place(class_id=w.class_b.id)
        yield w
