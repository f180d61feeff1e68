"""The thread pages' world: course party-building-online (its unit why-online), class A with
a member and a reader, class B with an outsider, an instructor (course moderator), and the
clients to log each in."""
from __future__ import annotations

import re

import pytest

from learnhub.discussions.places import Place
from tests.support.discussions import COURSE, UNIT, course_ids
from tests.support.web import IsolatedClient, csrf_from, login


class Forum:
    def client(self, user):
        """A fresh test client logged in as `user`."""
        client = self.app.test_client()
        assert login(client, user.username).status_code == 302
        return client

    @staticmethod
    def post_form(client, page_url: str, action_url: str, data: dict):
        """Submit a form of `page_url` to `action_url` with the page's CSRF token (and the
        page's client_key when it has one and `data` gives none)."""
        page = client.get(page_url).get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        fields = {"csrf_token": token.group(1) if token else csrf_from(client, "/account")}
        key = re.search(r'name="client_key"[^>]*value="([^"]*)"', page)
        if key and "client_key" not in data:
            fields["client_key"] = key.group(1)
        return client.post(action_url, data={**fields, **data})


@pytest.fixture
def forum(app, db, make_user, make_class, clock):
    app.test_client_class = IsolatedClient
    forum = Forum()
    forum.app, forum.clock = app, clock
    forum.member, forum.reader = make_user("poster"), make_user("reader")
    forum.instructor, forum.outsider = make_user("teacher", role="instructor"), make_user("outsider")
    forum.klass = make_class(members=[forum.member, forum.reader])
    forum.other_class = make_class(members=[forum.outsider])
    forum.head = forum.klass.head
    course_id, unit_id = course_ids(COURSE, UNIT)
    forum.course = Place(course_id=course_id)
    forum.unit = Place(course_id=course_id, unit_id=unit_id)
    forum.class_place = Place(class_id=forum.klass.id)
    forum.other_place = Place(class_id=forum.other_class.id)
    return forum
