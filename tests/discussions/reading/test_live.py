"""The live poll of an open thread: new posts as the thread page's HTML, a 304 while the
thread's version stands (no post query, no rendering), the viewer and language in the ETag,
permissions (class B's member gets 404), bad `after`; and the thread page's live hook."""
from __future__ import annotations

from learnhub.discussions.models import Thread
from tests.support.discussions import seed_posts, seed_thread


def class_thread(world, db, replies=2):
    thread = seed_thread(world.ann, class_id=world.class_a.id, title="Live one")
    seed_posts(thread, [world.ann], replies, body="Reply **{n}**")
    db.session.commit()
    return thread


def test_new_posts_after_a_number(world, db):
    thread = class_thread(world, db)
    bob = world.client(world.bob)
    response = bob.get(f"/threads/{thread.id}/live?after=1")
    assert response.status_code == 200
    body = response.get_json()
    assert body["last"] == 3 and body["version"] == thread.version and body["more"] is False
    assert 'id="post-2"' in body["html"] and 'id="post-3"' in body["html"] and 'id="post-1"' not in body["html"]
    assert "<strong>2</strong>" in body["html"]
    assert response.headers["ETag"] and "no-cache" in response.headers["Cache-Control"]
    nothing = bob.get(f"/threads/{thread.id}/live?after=3").get_json()
    assert (nothing["html"], nothing["last"]) == ("", 3)


def test_304_while_the_version_stands_then_200_after_a_change(world, db):
    thread = class_thread(world, db)
    bob = world.client(world.bob)
    etag = bob.get(f"/threads/{thread.id}/live?after=3").headers["ETag"]
    unchanged = bob.get(f"/threads/{thread.id}/live?after=3", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.data == b""
    seed_posts(db.session.get(Thread, thread.id), [world.ann], 1, body="Newest")
    db.session.get(Thread, thread.id).version += 1
    db.session.commit()
    changed = bob.get(f"/threads/{thread.id}/live?after=3", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["last"] == 4 and "Newest" in changed.get_json()["html"]
    assert changed.headers["ETag"] != etag


def test_the_etag_is_the_viewers_and_their_languages(world, db):
    thread = class_thread(world, db)
    bob, ann = world.client(world.bob), world.client(world.ann)
    etag = bob.get(f"/threads/{thread.id}/live").headers["ETag"]
    assert ann.get(f"/threads/{thread.id}/live", headers={"If-None-Match": etag}).status_code == 200
    chinese = bob.get(f"/threads/{thread.id}/live", headers={"If-None-Match": etag, "Accept-Language": "zh-CN"})
    assert chinese.status_code == 200


def test_the_304_path_is_one_query_beside_authentication(world, db, count_queries):
    """Authentication (the login session and the user) is what any page costs; the poll adds
    the thread's row (with its class) and, for a class thread, the viewer's role in the class.
    No post query, whatever the thread's size."""
    course_thread = seed_thread(world.ann, course_id=world.course_id, unit_id=world.first_id)
    seed_posts(course_thread, [world.ann], 30)
    db.session.commit()
    thread = class_thread(world, db, replies=30)
    bob = world.client(world.bob)

    def statements_of(path, etag=None):
        with count_queries() as statements:
            response = bob.get(path, headers={"If-None-Match": etag} if etag else {})
        return response, statements

    baseline, auth = statements_of("/api/v1/me")  # authentication only (the user is the answer)
    assert baseline.status_code == 200
    for target, extra in ((course_thread, 0), (thread, 1)):  # a class thread: the viewer's role
        etag = bob.get(f"/threads/{target.id}/live").headers["ETag"]
        response, statements = statements_of(f"/threads/{target.id}/live?after=31", etag)
        assert response.status_code == 304
        assert not any("FROM posts" in s for s in statements), statements
        assert len(statements) == len(auth) + 1 + extra, statements


def test_permissions(world, db, client):
    thread = class_thread(world, db)
    assert client.get(f"/threads/{thread.id}/live").status_code == 302  # the login page
    assert world.client(world.carl).get(f"/threads/{thread.id}/live").status_code == 404  # class B
    assert world.client(world.head).get(f"/threads/{thread.id}/live").status_code == 200
    assert world.client(world.bob).get("/threads/999999/live").status_code == 404


def test_a_hidden_thread_is_a_404_but_for_moderators(world, db):
    thread = class_thread(world, db)
    db.session.get(Thread, thread.id).hidden = True
    db.session.commit()
    assert world.client(world.bob).get(f"/threads/{thread.id}/live").status_code == 404
    assert world.client(world.head).get(f"/threads/{thread.id}/live").status_code == 200


def test_bad_after_is_a_400(world, db):
    thread = class_thread(world, db)
    bob = world.client(world.bob)
    for bad in ("-1", "x", "1.5", "9" * 12):
        assert bob.get(f"/threads/{thread.id}/live?after={bad}").status_code == 400, bad


def test_more_than_one_batch(world, db):
    from learnhub.discussions.reading.views import LIVE_BATCH

    thread = class_thread(world, db, replies=LIVE_BATCH + 5)
    bob = world.client(world.bob)
    first = bob.get(f"/threads/{thread.id}/live?after=0").get_json()
    assert first["last"] == LIVE_BATCH and first["more"] is True
    rest = bob.get(f"/threads/{thread.id}/live?after={first['last']}").get_json()
    assert rest["last"] == LIVE_BATCH + 6 and rest["more"] is False


def test_a_hidden_post_is_veiled_for_members(world, db):
    from learnhub.discussions.models import Post

    thread = class_thread(world, db)
    post = db.session.query(Post).filter_by(thread_id=thread.id, number=3).one()
    post.hidden = True
    db.session.commit()
    assert "Reply <strong>3</strong>" not in world.client(world.bob).get(f"/threads/{thread.id}/live?after=2").get_json()["html"]
    assert "Reply <strong>3</strong>" in world.client(world.head).get(f"/threads/{thread.id}/live?after=2").get_json()["html"]


def test_the_thread_page_carries_the_live_hook(world, db):
    thread = class_thread(world, db)
    html = world.client(world.bob).get(f"/threads/{thread.id}").get_data(as_text=True)
    assert 'id="thread-live"' in html and 'data-poll-seconds="1"' in html and 'data-last="3"' in html
    assert "js/thread-live.js" in html and 'aria-live="polite"' in html
    assert 'data-poll-seconds="30"' in html  # the badge's


def test_a_page_of_older_posts_does_not_poll(world, db):
    thread = class_thread(world, db, replies=30)
    html = world.client(world.bob).get(f"/threads/{thread.id}?after=0").get_data(as_text=True)
    assert 'id="thread-live"' not in html
