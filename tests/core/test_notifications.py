"""Notifications: the service (core/notifications.py), the API and the page."""
from __future__ import annotations

import pytest
from flask_babel import force_locale, lazy_gettext as _l
from sqlalchemy import func, select

from learnhub.core import notifications
from learnhub.core.notifications import Notification, mark_read, notify, register_delivery, unread_count
from tests.support.orm_loads import orm_loads
from tests.support.web import CSRF_INPUT, api_client, login, signed_in


def texts(db, user):
    return db.session.scalars(select(Notification.text).where(Notification.user_id == user.id)
                              .order_by(Notification.id)).all()


# ---- the service ------------------------------------------------------------------------------

def test_notify_writes_one_row_per_user_in_the_callers_transaction(app, db, make_user):
    users = [make_user() for _ in range(3)]
    ids = notify(users + [users[0].id], "announcement", "Hello", "/classes/1")  # a repeat once
    assert len(ids) == 3
    db.session.rollback()  # notify flushed, it did not commit
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_notify_batches_a_large_class(app, db, make_user, count_queries):
    from learnhub.auth import services as auth_services
    users = [auth_services.create_user(f"m{i}", "correct-horse-1", "member") for i in range(500)]
    db.session.flush()
    with count_queries() as statements:
        notify(users, "announcement", "Hello", "/x")
    assert len(statements) <= 3, statements  # one INSERT (batched by the driver), not 500
    db.session.commit()
    assert unread_count(users[499]) == 1


def test_lazy_text_is_rendered_in_the_readers_language(app, db, make_user):
    user = make_user()
    notify([user], "announcement", _l("New announcement in %(class_name)s: %(title)s",
                                      class_name="一期", title="Meeting"), "/a/1")
    db.session.commit()
    row = db.session.scalar(select(Notification))
    assert row.text == "New announcement in %(class_name)s: %(title)s"
    assert row.params == {"class_name": "一期", "title": "Meeting"}
    with app.test_request_context(), force_locale("en"):
        assert row.render() == "New announcement in 一期: Meeting"
    with app.test_request_context(), force_locale("zh_CN"):
        assert "Meeting" in row.render() and "一期" in row.render()


def test_plain_text_is_shown_as_it_is(app, db, make_user):
    user = make_user()
    notify([user], "mention", "100% %(not a parameter)s", "/t/1")
    db.session.commit()
    assert db.session.scalar(select(Notification)).render() == "100% %(not a parameter)s"


@pytest.mark.parametrize(("kind", "url"), [("gossip", "/x"), ("announcement", "https://evil.example/"),
                                           ("announcement", "//evil.example/"), ("announcement", "javascript:x")])
def test_unknown_kinds_and_foreign_urls_are_refused(app, make_user, kind, url):
    with pytest.raises(ValueError):
        notify([make_user()], kind, "x", url)


def test_the_database_refuses_an_unknown_kind(app, db, make_user):
    from sqlalchemy.exc import IntegrityError
    db.session.add(Notification(user_id=make_user().id, kind="gossip", text="x", url="/"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_delivery_hooks_get_the_new_rows(app, db, make_user):
    got = []
    register_delivery(app, lambda rows: got.extend((r.user_id, r.text) for r in rows))
    user = make_user()
    notify([user], "reply", "Re: hello", "/t/1")
    assert got == [(user.id, "Re: hello")]
    assert notify([], "reply", "nobody", "/t/1") == [] and len(got) == 1


def test_mark_read_some_all_and_never_another_users(app, db, make_user):
    me, other = make_user(), make_user()
    mine = notify([me], "reply", "one", "/1") + notify([me], "reply", "two", "/2")
    theirs = notify([other], "reply", "three", "/3")
    assert mark_read(me, theirs) == 0 and unread_count(other) == 1
    assert mark_read(me, [mine[0]]) == 1 and unread_count(me) == 1
    assert mark_read(me, []) == 0 and unread_count(me) == 1
    assert mark_read(me) == 1 and unread_count(me) == 0
    assert mark_read(me) == 0  # already read: nothing changes (read_at kept)


def test_deleting_a_user_deletes_their_notifications(app, db, make_user):
    from learnhub.auth.models import User
    user = make_user()
    notify([user], "reply", "x", "/")
    db.session.commit()
    db.session.delete(db.session.get(User, user.id))
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


# ---- the API ----------------------------------------------------------------------------------

def post_many(db, user, n, start=0):
    for i in range(n):
        notify([user], "reply", f"n{start + i}", f"/t/{start + i}")
    db.session.commit()


def test_list_newest_first_paginated_with_unread_count(app, db, make_user):
    user = make_user()
    post_many(db, user, 5)
    client = signed_in(app, user)
    first = client.get("/api/v1/notifications?limit=2").get_json()
    assert [i["text"] for i in first["items"]] == ["n4", "n3"] and first["unread_count"] == 5
    assert set(first["items"][0]) >= {"id", "kind", "text", "url", "created_at", "read"}
    assert first["items"][0]["read"] is False and first["items"][0]["url"] == "/t/4"
    post_many(db, user, 1, start=5)  # a newer one: the next page neither repeats nor skips
    second = client.get(f"/api/v1/notifications?limit=2&cursor={first['next']}").get_json()
    assert [i["text"] for i in second["items"]] == ["n2", "n1"]
    third = client.get(f"/api/v1/notifications?limit=2&cursor={second['next']}").get_json()
    assert [i["text"] for i in third["items"]] == ["n0"] and third["next"] is None


def test_only_the_callers_own_notifications(app, db, make_user):
    me, other = make_user(), make_user()
    post_many(db, other, 2)
    client = signed_in(app, me)
    body = client.get("/api/v1/notifications").get_json()
    assert body == {"items": [], "next": None, "unread_count": 0}
    theirs = db.session.scalars(select(Notification.id)).all()
    response = client.post("/api/v1/notifications/read", json={"ids": theirs}, headers=client.headers)
    assert response.status_code == 200 and response.get_json() == {"unread_count": 0}
    db.session.expire_all()
    assert unread_count(other) == 2


def test_mark_read_by_ids_and_all(app, db, make_user):
    user = make_user()
    post_many(db, user, 3)
    ids = db.session.scalars(select(Notification.id).order_by(Notification.id)).all()
    client = signed_in(app, user)
    response = client.post("/api/v1/notifications/read", json={"ids": ids[:2]}, headers=client.headers)
    assert response.get_json() == {"unread_count": 1}
    items = client.get("/api/v1/notifications").get_json()["items"]
    assert [i["read"] for i in items] == [False, True, True]
    assert client.post("/api/v1/notifications/read", headers=client.headers).get_json() == {"unread_count": 0}


@pytest.mark.parametrize("body", [{"ids": "all"}, {"ids": [1, "2"]}, {"ids": [True]}, {"ids": [0]},
                                  {"ids": [2**40]}, {"ids": list(range(1, 1002))}])
def test_bad_ids_are_422_naming_the_field(app, db, make_user, body):
    user = make_user()
    client = signed_in(app, user)
    response = client.post("/api/v1/notifications/read", json=body, headers=client.headers)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "invalid_field"
    assert set(response.get_json()["error"]["fields"]) == {"ids"}


def test_the_post_needs_the_csrf_header_with_a_cookie(app, db, make_user):
    user = make_user()
    post_many(db, user, 1)
    client = signed_in(app, user)
    response = client.post("/api/v1/notifications/read", json={})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "csrf_failed"
    db.session.expire_all()
    assert unread_count(user) == 1


def test_a_bearer_token_needs_no_csrf(app, db, make_user):
    from learnhub.auth import services as auth_services
    user = make_user()
    post_many(db, user, 1)
    token, _record = auth_services.issue_token(user)
    db.session.commit()
    client = app.test_client()
    response = client.post("/api/v1/notifications/read", json={},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.get_json() == {"unread_count": 0}


def test_anonymous_is_401(client):
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.post("/api/v1/notifications/read", json={}).status_code == 401


@pytest.mark.parametrize("query", ["limit=0", "limit=x", "cursor=garbage!"])
def test_bad_page_arguments_are_400(app, db, make_user, query):
    client = signed_in(app, make_user())
    response = client.get(f"/api/v1/notifications?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] in {"invalid_limit", "invalid_cursor"}


def test_conditional_requests(app, db, make_user):
    user = make_user()
    post_many(db, user, 2)
    client = signed_in(app, user)
    first = client.get("/api/v1/notifications?limit=1")
    etag = first.headers["ETag"]
    again = client.get("/api/v1/notifications?limit=1", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag
    # another page size is another resource: its own ETag
    assert client.get("/api/v1/notifications?limit=2").headers["ETag"] != etag
    post_many(db, user, 1, start=2)  # a new notification changes it
    changed = client.get("/api/v1/notifications?limit=1", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    etag = changed.headers["ETag"]
    read_one = db.session.scalar(select(func.min(Notification.id)))
    client.post("/api/v1/notifications/read", json={"ids": [read_one]}, headers=client.headers)
    after_read = client.get("/api/v1/notifications?limit=1", headers={"If-None-Match": etag})
    assert after_read.status_code == 200 and after_read.get_json()["unread_count"] == 2
    # another user's identical-looking state is another ETag
    other = make_user()
    other_client = signed_in(app, other)
    assert other_client.get("/api/v1/notifications?limit=1").headers["ETag"] != after_read.headers["ETag"]


def test_the_304_path_runs_at_most_two_statements(app, db, make_user, count_queries):
    user = make_user()
    post_many(db, user, 30)
    client = signed_in(app, user)
    etag = client.get("/api/v1/notifications?limit=1").headers["ETag"]
    with count_queries() as statements:
        response = client.get("/api/v1/notifications?limit=1", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert len(statements) <= 2, statements  # the session's user, the aggregate


def test_a_304_with_a_token_is_two_statements_nothing_loaded_or_rendered(app, db, make_user, count_queries):
    """The badge's poll: the token's user and one aggregate; no notification row is read or
    rendered, whatever the number of notifications."""
    user = make_user()
    post_many(db, user, 40)
    client = api_client(app, user)
    etag = client.get("/api/v1/notifications?limit=1").headers["ETag"]
    with count_queries() as statements, orm_loads() as loaded:
        response = client.get("/api/v1/notifications?limit=1", headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.get_data() == b""
    assert response.headers["ETag"] == etag and response.headers["Vary"] == "Cookie, Authorization"
    assert len(statements) == 2, statements
    assert "max(notifications.id)" in statements[1].lower() and "limit" not in statements[1].lower()
    assert loaded == []


def test_the_etag_follows_the_readers_language(app, db, make_user):
    user = make_user()
    post_many(db, user, 1)
    client = api_client(app, user)
    english = client.get("/api/v1/notifications", headers={"Accept-Language": "en"}).headers["ETag"]
    chinese = client.get("/api/v1/notifications", headers={"Accept-Language": "zh-CN"})
    assert chinese.headers["ETag"] != english
    again = client.get("/api/v1/notifications", headers={"Accept-Language": "zh-CN", "If-None-Match": english})
    assert again.status_code == 200  # a list in English does not stand for the Chinese one


def test_openapi_documents_both_paths(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "get" in paths["/api/v1/notifications"] and "post" in paths["/api/v1/notifications/read"]


# ---- the pages --------------------------------------------------------------------------------

def test_header_badge_shows_the_unread_count(app, db, make_user):
    user = make_user()
    client = signed_in(app, user)
    page = client.get("/").get_data(as_text=True)
    assert "data-notification-bell" in page and 'aria-label="Notifications"' in page
    assert "data-notification-count hidden" in page and "js/notifications.js" in page
    post_many(db, user, 3)
    page = client.get("/").get_data(as_text=True)
    assert 'aria-label="Notifications: 3 unread"' in page
    assert "data-notification-count>3</span>" in page


def test_no_badge_for_anonymous_visitors(client):
    page = client.get("/login").get_data(as_text=True)
    assert "data-notification-bell" not in page and "notifications.js" not in page


def test_notifications_page_lists_newest_first_with_more_and_marks_all_read(app, db, make_user):
    user = make_user()
    post_many(db, user, 25)
    client = signed_in(app, user)
    page = client.get("/notifications").get_data(as_text=True)
    assert page.index("n24") < page.index("n23") and "n4<" not in page and "n5<" in page
    more = page.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert more.startswith("/notifications?after=")
    rest = client.get(more.replace("&amp;", "&")).get_data(as_text=True)
    assert "n4<" in rest and "n0<" in rest and "n5<" not in rest and 'rel="next"' not in rest
    token = CSRF_INPUT.search(page).group(1)
    assert client.post("/notifications/read", data={}).status_code == 400  # no CSRF token
    assert unread_count(user) == 25
    response = client.post("/notifications/read", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/notifications")
    db.session.expire_all()
    assert unread_count(user) == 0
    page = client.get("/notifications").get_data(as_text=True)
    assert "Mark all as read" not in page and "data-notification-count hidden" in page


def test_notifications_page_needs_login_and_refuses_a_bad_after(app, client, make_user):
    assert client.get("/notifications").status_code == 302
    assert login(client, make_user("reader").username).status_code == 302
    assert client.get("/notifications?after=%%%").status_code == 400


def test_notifications_page_shows_each_reader_in_their_language(app, db, make_user):
    user = make_user()
    notify([user], "announcement", _l("New announcement in %(class_name)s: %(title)s",
                                      class_name="C", title="T"), "/a/1")
    db.session.commit()
    client = signed_in(app, user)
    assert "New announcement in C: T" in client.get("/notifications").get_data(as_text=True)
    api = client.get("/api/v1/notifications").get_json()
    assert api["items"][0]["text"] == "New announcement in C: T"
    assert api["items"][0]["kind"] in notifications.KINDS


def test_site_path_needs_no_request(app):
    from learnhub.core.notifications import site_path
    assert site_path("notifications.index") == "/notifications"
    assert site_path("notifications.index", after="x") == "/notifications?after=x"
