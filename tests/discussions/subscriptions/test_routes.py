"""The follow pages and API, the partial, and how the new kinds show in the notifications
list, the header badge and the API (in Chinese for a Chinese reader)."""
from __future__ import annotations

from flask import render_template
from flask_babel import refresh

from learnhub.core.notifications import render_text
from learnhub.discussions.models import ThreadUser
from learnhub.discussions.subscriptions import services
from tests.support.web import api_client, csrf_from, login


def state(db, user, thread):
    db.session.expire_all()
    row = db.session.get(ThreadUser, (user.id, thread.id))
    return None if row is None else row.following


def page_client(app, user):
    client = app.test_client()
    assert login(client, user.username).status_code == 302
    client.token = csrf_from(client, "/account")
    return client


def test_follow_and_unfollow_pages_redirect_to_the_thread(app, db, forum):
    thread = forum.new_thread(forum.alice)
    client = page_client(app, forum.bob)
    response = client.post(f"/threads/{thread.id}/follow", data={"csrf_token": client.token})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/threads/{thread.id}")
    assert state(db, forum.bob, thread) is True
    response = client.post(f"/threads/{thread.id}/unfollow", data={"csrf_token": client.token})
    assert response.status_code == 302 and state(db, forum.bob, thread) is False


def test_the_pages_refuse_outsiders_missing_threads_and_a_missing_token(app, db, forum):
    thread = forum.new_thread(forum.alice)
    outsider = page_client(app, forum.dave)
    assert outsider.post(f"/threads/{thread.id}/follow", data={"csrf_token": outsider.token}).status_code == 404
    assert state(db, forum.dave, thread) is None
    member = page_client(app, forum.bob)
    assert member.post(f"/threads/{thread.id}/follow").status_code == 400  # no CSRF token
    assert member.post("/threads/999999/follow", data={"csrf_token": member.token}).status_code == 404
    assert member.get(f"/threads/{thread.id}/follow").status_code == 405
    assert state(db, forum.bob, thread) is None
    anonymous = app.test_client()
    response = anonymous.post(f"/threads/{thread.id}/follow")
    assert response.status_code in (302, 400) and state(db, forum.bob, thread) is None


def test_the_api_follows_and_unfollows(app, db, forum):
    thread = forum.new_thread(forum.alice)
    client = api_client(app, forum.bob)
    response = client.api("POST", f"/api/v1/threads/{thread.id}/follow")
    assert response.status_code == 200 and response.get_json() == {"following": True}
    assert client.api("POST", f"/api/v1/threads/{thread.id}/follow").get_json() == {"following": True}
    response = client.api("DELETE", f"/api/v1/threads/{thread.id}/follow")
    assert response.status_code == 200 and response.get_json() == {"following": False}
    assert state(db, forum.bob, thread) is False


def test_the_api_refuses_outsiders_missing_threads_and_anonymous(app, db, forum):
    thread = forum.new_thread(forum.alice)
    outsider = api_client(app, forum.dave)
    for method in ("POST", "DELETE"):
        response = outsider.api(method, f"/api/v1/threads/{thread.id}/follow")
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert outsider.api("POST", "/api/v1/threads/999999/follow").status_code == 404
    assert app.test_client().post(f"/api/v1/threads/{thread.id}/follow").status_code == 401
    assert state(db, forum.dave, thread) is None


def test_the_partial_shows_the_state_and_the_matching_button(app, db, forum):
    thread = forum.new_thread(forum.alice)
    with app.test_request_context():
        unset = render_template("discussions/_thread_follow.html", thread=thread, thread_user=None)
        services.follow(forum.bob, thread)
        db.session.flush()
        row = db.session.get(ThreadUser, (forum.bob.id, thread.id))
        followed = render_template("discussions/_thread_follow.html", thread=thread, thread_user=row)
    assert f'action="/threads/{thread.id}/follow"' in unset and "Follow this thread" in unset
    assert f'action="/threads/{thread.id}/unfollow"' in followed and "Stop following" in followed
    for html in (unset, followed):
        assert 'name="csrf_token"' in html and "aria-describedby" in html


def test_the_list_and_the_badge_show_replies_and_mentions_escaped(app, db, forum):
    thread = forum.new_thread(forum.alice, title="<b>Plan</b>")
    forum.say(forum.carol, thread, "@bob see this")
    forum.say(forum.bob, thread)
    client = api_client(app, forum.alice)
    listed = client.get("/api/v1/notifications").get_json()
    assert listed["unread_count"] == 2
    assert [(i["kind"], i["text"]) for i in listed["items"]] == [
        ("reply", "bob replied in “<b>Plan</b>”"), ("reply", "carol replied in “<b>Plan</b>”")]
    page = client.get("/notifications").get_data(as_text=True)
    assert "bob replied in “&lt;b&gt;Plan&lt;/b&gt;”" in page and "<b>Plan</b>" not in page
    assert 'data-notification-count>2</span>' in page
    bob = api_client(app, forum.bob).get("/api/v1/notifications").get_json()
    assert [i["kind"] for i in bob["items"]] == ["mention"] and bob["items"][0]["url"].startswith("/posts/")


MENTION = "%(user)s mentioned you in “%(title)s”"


def test_a_chinese_reader_reads_them_in_chinese(app, db, forum):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        refresh()  # the fixture's app context may hold the English locale already
        assert render_text(MENTION, {"user": "a", "title": "t"}) == "a 在“t”中提到了你"
    forum.bob.locale = "zh_CN"
    db.session.commit()
    forum.new_thread(forum.alice, title="学习计划", body="@bob 请看")
    listed = api_client(app, forum.bob).get("/api/v1/notifications").get_json()
    assert listed["items"][0]["text"] == "alice 在“学习计划”中提到了你"
