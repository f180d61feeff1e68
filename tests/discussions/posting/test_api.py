"""The threads API: lists, a thread with its posts (ETag/304, pages by number), posting,
editing, removing and accepting, who may (and may not), bad input, idempotency, rate limit,
and the XSS corpus in titles, bodies and quotes."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from learnhub.discussions.models import Post, Thread
from learnhub.discussions.posting import services as posting
from tests.support.discussions import seed_posts
from tests.support.web import signed_in
from tests.support.xss import VECTORS, assert_inert

COURSE = "/api/v1/courses/party-building-online/threads"


def call(client, method, path, json=None, **headers):
    return client.open(path, method=method, json=json, headers={**client.headers, **headers})


def new_thread(client, **body):
    return call(client, "POST", COURSE, {"title": "Why online?", "body": "Explain **please**", **body})


@pytest.fixture
def clients(app, forum):
    return {name: signed_in(app, getattr(forum, name)) for name in ("member", "other", "instructor", "outsider")}


def test_a_member_starts_a_thread_replies_and_lists_it(db, forum, clients):
    made = new_thread(clients["member"], unit="why-online", kind="question")
    assert made.status_code == 201, made.get_json()
    thread = made.get_json()
    assert (thread["title"], thread["kind"], thread["unit"], thread["course"]) == (
        "Why online?", "question", "why-online", "party-building-online")
    assert thread["posts"][0]["number"] == 1 and "<strong>please</strong>" in thread["posts"][0]["body_html"]
    assert thread["url"] == f"/threads/{thread['id']}" and thread["next"] is None
    reply = call(clients["other"], "POST", f"/api/v1/threads/{thread['id']}/posts",
                 {"body": "Because", "quote": thread["posts"][0]["id"]})
    assert reply.status_code == 201, reply.get_json()
    assert reply.get_json()["number"] == 2 and reply.get_json()["quote"]["number"] == 1
    listed = call(clients["other"], "GET", COURSE + "?unit=why-online").get_json()
    assert [item["id"] for item in listed["items"]] == [thread["id"]] and listed["next"] is None
    assert listed["items"][0]["replies_count"] == 1 and listed["items"][0]["author"]["username"] == "poster"


def test_bad_input_is_a_clear_4xx_that_writes_nothing(db, forum, clients):
    member = clients["member"]
    cases = [({"title": "", "body": "x"}, "title"), ({"title": "t" * 201, "body": "x"}, "title"),
             ({"title": "t", "body": "x" * 20_001}, "body"), ({"title": "t", "body": "  "}, "body"),
             ({"title": "t", "body": "x", "unit": "no-such-unit"}, "unit"),
             ({"title": "t", "body": "x", "kind": "poll"}, "kind"), ({"title": "t", "body": "[" * 10_000}, "body")]
    for body, field in cases:
        response = call(member, "POST", COURSE, body)
        assert response.status_code == 422, (body, response.get_json())
        assert field in response.get_json()["error"]["fields"], response.get_json()
    assert call(member, "POST", "/api/v1/courses/nope/threads", {"title": "t", "body": "b"}).status_code == 404
    assert db.session.scalar(select(func.count(Thread.id))) == 0


def test_class_threads_are_for_the_class_only(db, forum, clients):
    own = f"/api/v1/classes/{forum.school_class.id}/threads"
    made = call(clients["member"], "POST", own, {"title": "Class", "body": "Only us"})
    assert made.status_code == 201
    thread_id = made.get_json()["id"]
    first_post = made.get_json()["posts"][0]["id"]
    outsider = clients["outsider"]   # a member of another class
    assert call(outsider, "GET", own).status_code == 404
    assert call(outsider, "POST", own, {"title": "In", "body": "x"}).status_code == 404
    assert call(outsider, "GET", f"/api/v1/threads/{thread_id}").status_code == 404
    assert call(outsider, "POST", f"/api/v1/threads/{thread_id}/posts", {"body": "x"}).status_code == 404
    assert call(outsider, "PATCH", f"/api/v1/posts/{first_post}", {"body": "x"}).status_code == 404
    assert call(outsider, "DELETE", f"/api/v1/posts/{first_post}").status_code == 404
    other_class = call(outsider, "GET", f"/api/v1/classes/{forum.other_class.id}/threads")
    assert other_class.status_code == 200 and other_class.get_json()["items"] == []
    assert call(clients["other"], "GET", f"/api/v1/threads/{thread_id}").status_code == 200   # same class


def test_anonymous_callers_get_401(app, db, forum, clients):
    thread_id = new_thread(clients["member"]).get_json()["id"]
    anonymous = app.test_client()
    for method, path in (("GET", COURSE), ("POST", COURSE), ("GET", f"/api/v1/threads/{thread_id}"),
                         ("POST", f"/api/v1/threads/{thread_id}/posts")):
        assert anonymous.open(path, method=method, json={"title": "t", "body": "b"}).status_code == 401


def test_the_thread_answers_304_until_it_changes(db, forum, clients):
    thread_id = new_thread(clients["member"]).get_json()["id"]
    path = f"/api/v1/threads/{thread_id}"
    first = call(clients["other"], "GET", path)
    etag = first.headers["ETag"]
    again = call(clients["other"], "GET", path, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert call(clients["member"], "GET", path, **{"If-None-Match": etag}).status_code == 200  # another caller
    call(clients["member"], "POST", path + "/posts", {"body": "news"})
    changed = call(clients["other"], "GET", path, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert [p["number"] for p in changed.get_json()["posts"]] == [1, 2]


def test_posts_come_in_pages_by_number(db, forum, clients):
    thread_id = new_thread(clients["member"]).get_json()["id"]
    seed_posts(db.session.get(Thread, thread_id), [forum.other], 44)
    db.session.commit()
    numbers, path = [], f"/api/v1/threads/{thread_id}?limit=20"
    while path:
        page = call(clients["other"], "GET", path).get_json()
        numbers += [p["number"] for p in page["posts"]]
        path = f"/api/v1/threads/{thread_id}?limit=20&cursor={page['next']}" if page["next"] else None
    assert numbers == list(range(1, 46))
    after = call(clients["other"], "GET", f"/api/v1/threads/{thread_id}?after=40").get_json()
    assert [p["number"] for p in after["posts"]] == [41, 42, 43, 44, 45]
    for bad in ("?cursor=x", "?limit=0", "?limit=101", "?after=-1"):
        assert call(clients["other"], "GET", f"/api/v1/threads/{thread_id}{bad}").status_code in (400, 422)


def test_idempotency_key_posts_once(db, forum, clients):
    member = clients["member"]
    first = new_thread(member, **{"client_key": "k1"})
    again = call(member, "POST", COURSE, {"title": "Why online?", "body": "x"}, **{"Idempotency-Key": "k1"})
    assert (first.status_code, again.status_code) == (201, 200) and again.get_json()["id"] == first.get_json()["id"]
    path = f"/api/v1/threads/{first.get_json()['id']}/posts"
    r1 = call(member, "POST", path, {"body": "once"}, **{"Idempotency-Key": "r1"})
    r2 = call(member, "POST", path, {"body": "once"}, **{"Idempotency-Key": "r1"})
    assert (r1.status_code, r2.status_code) == (201, 200) and r1.get_json()["id"] == r2.get_json()["id"]
    differ = call(member, "POST", path, {"body": "x", "client_key": "a"}, **{"Idempotency-Key": "b"})
    assert differ.status_code == 422 and "client_key" in differ.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count(Post.id))) == 2


def test_locked_threads_refuse_replies(db, forum, clients):
    thread_id = new_thread(clients["member"]).get_json()["id"]
    db.session.get(Thread, thread_id).locked = True
    db.session.commit()
    refused = call(clients["instructor"], "POST", f"/api/v1/threads/{thread_id}/posts", {"body": "x"})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "thread_locked"


def test_a_quote_from_another_thread_is_refused(db, forum, clients):
    a = new_thread(clients["member"]).get_json()
    b = new_thread(clients["member"], title="Other").get_json()
    refused = call(clients["other"], "POST", f"/api/v1/threads/{a['id']}/posts",
                   {"body": "x", "quote": b["posts"][0]["id"]})
    assert refused.status_code == 422 and "quote" in refused.get_json()["error"]["fields"]


def test_edit_window_and_moderators(db, forum, clients):
    thread = new_thread(clients["member"]).get_json()
    post_path = f"/api/v1/posts/{thread['posts'][0]['id']}"
    assert call(clients["other"], "PATCH", post_path, {"body": "hijack"}).status_code == 403
    edited = call(clients["member"], "PATCH", post_path, {"body": "better", "title": "Renamed"})
    assert edited.status_code == 200 and edited.get_json()["edited_at"] is not None
    assert call(clients["member"], "GET", f"/api/v1/threads/{thread['id']}").get_json()["title"] == "Renamed"
    forum.clock.advance(minutes=31)
    late = call(clients["member"], "PATCH", post_path, {"body": "late"})
    assert late.status_code == 403 and late.get_json()["error"]["code"] == "edit_window_passed"
    assert call(clients["instructor"], "PATCH", post_path, {"body": "moderated"}).status_code == 200
    assert db.session.scalar(select(Post.body).where(Post.id == thread["posts"][0]["id"])) == "moderated"


def test_removing_keeps_the_place_and_hides_the_text(db, forum, clients):
    thread = new_thread(clients["member"]).get_json()
    reply = call(clients["other"], "POST", f"/api/v1/threads/{thread['id']}/posts", {"body": "mine"}).get_json()
    assert call(clients["member"], "DELETE", f"/api/v1/posts/{reply['id']}").status_code == 403
    removed = call(clients["other"], "DELETE", f"/api/v1/posts/{reply['id']}")
    assert removed.status_code == 200 and removed.get_json()["deleted"] and removed.get_json()["body_html"] == ""
    assert call(clients["other"], "DELETE", f"/api/v1/posts/{reply['id']}").status_code == 200
    assert call(clients["member"], "DELETE", f"/api/v1/posts/{reply['id']}").status_code == 403
    page = call(clients["member"], "GET", f"/api/v1/threads/{thread['id']}").get_json()
    assert [(p["number"], p["deleted"]) for p in page["posts"]] == [(1, False), (2, True)]
    assert page["replies_count"] == 0
    edit = call(clients["instructor"], "PATCH", f"/api/v1/posts/{reply['id']}", {"body": "x"})
    assert edit.status_code == 409 and edit.get_json()["error"]["code"] == "post_deleted"


def test_hidden_posts_show_their_text_to_moderators_only(db, forum, clients):
    thread = new_thread(clients["member"]).get_json()
    reply = call(clients["other"], "POST", f"/api/v1/threads/{thread['id']}/posts", {"body": "rude"}).get_json()
    post = db.session.get(Post, reply["id"])
    post.hide(forum.instructor, "rude")
    posting.recount(db.session.get(Thread, thread["id"]))
    db.session.commit()
    path = f"/api/v1/threads/{thread['id']}"
    assert call(clients["member"], "GET", path).get_json()["posts"][1]["body_html"] == ""
    assert "rude" in call(clients["instructor"], "GET", path).get_json()["posts"][1]["body_html"]


def test_accepting_an_answer(db, forum, clients):
    thread = new_thread(clients["member"], kind="question").get_json()
    reply = call(clients["other"], "POST", f"/api/v1/threads/{thread['id']}/posts", {"body": "this"}).get_json()
    accept = f"/api/v1/posts/{reply['id']}/accept"
    assert call(clients["other"], "POST", accept).status_code == 403          # not the thread's author
    accepted = call(clients["member"], "POST", accept)
    assert accepted.status_code == 200 and accepted.get_json()["accepted"]
    listed = call(clients["member"], "GET", COURSE).get_json()["items"][0]
    assert listed["answered"]
    assert call(clients["member"], "DELETE", accept).get_json()["accepted"] is False
    first = f"/api/v1/posts/{thread['posts'][0]['id']}/accept"
    assert call(clients["member"], "POST", first).status_code == 409


def test_posting_too_fast_is_429_with_retry_after(app, db, forum, clients):
    app.config["DISCUSSION_POST_RATE_LIMIT"] = "2 per minute"   # read per request
    fast = clients["member"]
    assert new_thread(fast).status_code == 201
    made = new_thread(fast, title="2").get_json()
    thread_id, first_post = made["id"], made["posts"][0]["id"]
    refused = call(fast, "POST", f"/api/v1/threads/{thread_id}/posts", {"body": "3"})
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    edit = call(fast, "PATCH", f"/api/v1/posts/{first_post}", {"body": "x"})
    assert edit.status_code == 429                                        # edits count too
    assert db.session.scalar(select(func.count(Post.id))) == 2            # nothing written
    assert call(clients["other"], "POST", f"/api/v1/threads/{thread_id}/posts", {"body": "x"}).status_code == 201
    assert call(fast, "GET", f"/api/v1/threads/{thread_id}").status_code == 200   # reading is not limited


@pytest.mark.parametrize("name", sorted(VECTORS))
def test_the_xss_corpus_comes_out_inert_in_titles_bodies_and_quotes(db, forum, clients, name):
    vector = VECTORS[name]
    thread = new_thread(clients["member"], title=vector[:200], body=vector).get_json()
    reply = call(clients["other"], "POST", f"/api/v1/threads/{thread['id']}/posts",
                 {"body": vector, "quote": thread["posts"][0]["id"]}).get_json()
    page = call(clients["member"], "GET", f"/api/v1/threads/{thread['id']}").get_json()
    assert_inert(page["title_html"])
    for post in page["posts"]:
        assert_inert(post["body_html"])
    assert reply["quote"]["excerpt"] is not None and "<" not in page["title_html"]
