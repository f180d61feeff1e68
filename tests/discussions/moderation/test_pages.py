"""The moderation pages: the thread page's controls (moderators) and report links (readers
but the author), the forms' refusals (4xx, nothing changed), the queue and its buttons."""
from __future__ import annotations

import re

from learnhub.core.audit import AuditEntry
from learnhub.discussions.models import Post, PostReport, Thread
from learnhub.discussions.moderation import services
from tests.support.discussions import post_id


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_the_thread_page_shows_moderators_their_controls(forum, db):
    html = page(forum.client(forum.head), f"/threads/{forum.thread.id}")
    for action in ("pin", "lock", "hide"):
        assert f'action="/threads/{forum.thread.id}/{action}"' in html
    assert f'href="/threads/{forum.thread.id}/move"' in html
    reply = post_id(db, forum.thread, 2)
    assert f'action="/posts/{reply}/hide"' in html and f'for="hide-post-reason-{reply}"' in html
    assert f'href="/posts/{reply}/report"' in html  # a moderator may report another's post too
    # A class thread cannot move: no link.
    assert "/move" not in page(forum.client(forum.head), f"/threads/{forum.class_thread.id}")


def test_members_see_report_links_on_others_posts_only(forum, db):
    html = page(forum.client(forum.author), f"/threads/{forum.thread.id}")
    assert f'href="/posts/{post_id(db, forum.thread, 2)}/report"' in html
    assert f'href="/posts/{post_id(db, forum.thread, 1)}/report"' not in html  # their own
    assert not re.search(r'action="/(threads|posts)/\d+/(pin|lock|hide|unhide)"', html)


def test_pin_and_lock_buttons(forum, db):
    client = forum.client(forum.head)
    response = client.post(f"/threads/{forum.thread.id}/pin", data={"csrf_token": client.csrf})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/threads/{forum.thread.id}")
    client.post(f"/threads/{forum.thread.id}/lock", data={"csrf_token": client.csrf})
    db.session.expire_all()
    thread = db.session.get(Thread, forum.thread.id)
    assert thread.pinned and thread.locked
    html = page(client, f"/threads/{forum.thread.id}")
    assert f'action="/threads/{forum.thread.id}/unpin"' in html and f'action="/threads/{forum.thread.id}/unlock"' in html


def test_hiding_without_a_reason_is_a_422_page_that_changes_nothing(forum, db):
    client = forum.client(forum.head)
    reply = post_id(db, forum.thread, 2)
    for path in (f"/threads/{forum.thread.id}/hide", f"/posts/{reply}/hide"):
        response = client.post(path, data={"reason": "  ", "csrf_token": client.csrf})
        assert response.status_code == 422, path
        assert 'class="field-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(Thread, forum.thread.id).hidden and not db.session.get(Post, reply).hidden
    assert db.session.query(AuditEntry).filter(AuditEntry.action.like("discussion.%")).count() == 0


def test_a_hidden_post_and_thread_vanish_for_members(forum, db):
    client = forum.client(forum.head)
    reply = post_id(db, forum.thread, 2)
    response = client.post(f"/posts/{reply}/hide", data={"reason": "Advertising", "csrf_token": client.csrf})
    assert response.status_code == 302 and response.headers["Location"].endswith("#post-2")
    member_html = page(forum.client(forum.author), f"/threads/{forum.thread.id}")
    assert "Reply 2" not in member_html and "Reply 3" in member_html
    head_html = page(client, f"/threads/{forum.thread.id}")
    assert "Reply 2" in head_html and "Advertising" in head_html and f'action="/posts/{reply}/unhide"' in head_html
    assert client.post(f"/posts/{reply}/unhide", data={"csrf_token": client.csrf}).status_code == 302
    assert "Reply 2" in page(forum.client(forum.author), f"/threads/{forum.thread.id}")
    assert client.post(f"/threads/{forum.thread.id}/hide",
                       data={"reason": "Spam", "csrf_token": client.csrf}).status_code == 302
    assert forum.client(forum.author).get(f"/threads/{forum.thread.id}").status_code == 404
    assert "Spam" in page(client, f"/threads/{forum.thread.id}")
    assert client.post(f"/threads/{forum.thread.id}/unhide", data={"csrf_token": client.csrf}).status_code == 302
    assert forum.client(forum.author).get(f"/threads/{forum.thread.id}").status_code == 200


def test_move_page(forum, db):
    client = forum.client(forum.instructor)
    html = page(client, f"/threads/{forum.thread.id}/move")
    assert '<option selected value="why-online">' in html or 'value="why-online" selected' in html
    response = client.post(f"/threads/{forum.thread.id}/move", data={"unit": "problems", "csrf_token": client.csrf})
    assert response.status_code == 302
    bad = client.post(f"/threads/{forum.thread.id}/move", data={"unit": "nowhere", "csrf_token": client.csrf})
    assert bad.status_code == 422
    db.session.expire_all()
    assert db.session.get(Thread, forum.thread.id).unit_id != forum.unit_id
    assert forum.client(forum.head).get(f"/threads/{forum.class_thread.id}/move").status_code == 409


def test_report_form(forum, db):
    client = forum.client(forum.author)
    reply = post_id(db, forum.thread, 2)
    html = page(client, f"/posts/{reply}/report")
    assert 'name="reason"' in html and "Reply 2" in html
    assert client.post(f"/posts/{reply}/report", data={"reason": "", "csrf_token": client.csrf}).status_code == 422
    response = client.post(f"/posts/{reply}/report", data={"reason": "Spam", "csrf_token": client.csrf})
    assert response.status_code == 302
    again = client.post(f"/posts/{reply}/report", data={"reason": "Spam", "csrf_token": client.csrf})
    assert again.status_code == 409 and "already reported" in again.get_data(as_text=True)
    own = client.post(f"/posts/{post_id(db, forum.thread, 1)}/report", data={"reason": "x", "csrf_token": client.csrf})
    assert own.status_code == 422
    assert db.session.query(PostReport).count() == 1


def test_the_queue_groups_reports_by_post_and_resolves(forum, db):
    course_post = db.session.get(Post, post_id(db, forum.thread, 2))
    services.report_post(forum.author, course_post, forum.thread, "Off topic <b>here</b>")
    services.report_post(forum.outsider, course_post, forum.thread, "Advert")
    db.session.commit()
    client = forum.client(forum.head)
    html = page(client, "/discussions/reports")
    assert "2 open reports" in html and html.count(f'id="reported-{course_post.id}"') == 1
    assert "Off topic &lt;b&gt;here&lt;/b&gt;" in html and "Advert" in html and "Reply 2" in html
    first = db.session.query(PostReport).order_by(PostReport.id).first()
    response = client.post(f"/reports/{first.id}/resolve", data={"resolution": "hidden", "csrf_token": client.csrf})
    assert response.status_code == 302
    assert "0 open reports" in page(client, "/discussions/reports")
    db.session.expire_all()
    assert db.session.get(Post, course_post.id).hidden
    bad = client.post(f"/reports/{first.id}/resolve", data={"resolution": "dismissed", "csrf_token": client.csrf})
    assert bad.status_code == 409
    assert client.post(f"/reports/{first.id}/resolve", data={"resolution": "x", "csrf_token": client.csrf}
                       ).status_code == 422
