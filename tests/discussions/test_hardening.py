"""What a review of the discussions found, held: a replayed idempotency key never hands back
a thread the caller may no longer read, a draft course's reports reach only those who may see
it, odd numbers in the query string are a 400 (never a 500), a thread locked meanwhile takes
no reply, hidden threads are not even counted, the API hides what the page hides, an archived
class's threads are read-only, and a hidden post stops being the accepted answer."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from learnhub.classes.models import Membership
from learnhub.core.errors import DomainError
from learnhub.discussions.models import Post, Thread, ThreadUser
from learnhub.discussions.moderation import services as moderation
from learnhub.discussions.places import Place
from learnhub.discussions.posting import services as posting
from learnhub.extensions import db as _db
from tests.support.content import course_file, unit_file
from tests.support.discussions import course_ids
from tests.support.web import csrf_from, signed_in

COURSE = "/api/v1/courses/party-building-online/threads"


def call(client, method, path, json=None):
    return client.open(path, method=method, json=json, headers=client.headers)


@pytest.fixture
def world(app, db, make_user, make_class, clock):
    class World:
        pass

    w = World()
    w.author, w.other, w.mod = make_user("author1"), make_user("other1"), make_user("mod1", role="instructor")
    w.klass = make_class(members=[w.author, w.other])
    w.c = {name: signed_in(app, getattr(w, name)) for name in ("author", "other", "mod")}
    return w


def test_a_replayed_key_does_not_return_a_thread_hidden_since(db, world):
    c = world.c
    made = call(c["author"], "POST", COURSE, {"title": "T", "body": "first", "client_key": "k-1"})
    tid = made.get_json()["id"]
    assert call(c["other"], "POST", f"/api/v1/threads/{tid}/posts", {"body": "OTHER REPLY"}).status_code == 201
    assert call(c["mod"], "PATCH", f"/api/v1/threads/{tid}", {"hidden": True, "reason": "bad"}).status_code == 200
    again = call(c["author"], "POST", COURSE, {"title": "T", "body": "first", "client_key": "k-1"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "idempotency_key_reused"
    assert "OTHER REPLY" not in again.get_data(as_text=True)
    # the same replay while the thread is shown is the same thread (the key's purpose)
    assert call(c["mod"], "PATCH", f"/api/v1/threads/{tid}", {"hidden": False}).status_code == 200
    replay = call(c["author"], "POST", COURSE, {"title": "T", "body": "first", "client_key": "k-1"})
    assert replay.status_code == 200 and replay.get_json()["id"] == tid


def test_a_replayed_key_does_not_return_a_class_thread_after_leaving_the_class(db, world):
    c = world.c
    made = call(c["author"], "POST", f"/api/v1/classes/{world.klass.id}/threads",
                {"title": "Class T", "body": "first", "client_key": "k-2"})
    tid = made.get_json()["id"]
    assert call(c["other"], "POST", f"/api/v1/threads/{tid}/posts", {"body": "CLASS ONLY"}).status_code == 201
    db.session.execute(Membership.__table__.delete().where(Membership.user_id == world.author.id))
    db.session.commit()
    for path in (COURSE, f"/api/v1/classes/{world.klass.id}/threads"):
        again = call(c["author"], "POST", path, {"title": "x", "body": "y", "client_key": "k-2"})
        assert again.status_code in (404, 409) and "CLASS ONLY" not in again.get_data(as_text=True)


def test_a_huge_quote_in_the_reply_form_is_refused_not_a_500(db, world):
    c = world.c
    tid = call(c["author"], "POST", COURSE, {"title": "T", "body": "first"}).get_json()["id"]
    token = csrf_from(c["other"], f"/threads/{tid}")
    refused = c["other"].post(f"/threads/{tid}/posts", data={"csrf_token": token, "body": "hi", "quote": str(10**20)})
    assert refused.status_code == 422
    assert db.session.scalar(select(Thread.highest_number).where(Thread.id == tid)) == 1


@pytest.mark.parametrize("path", ["/threads/{tid}?after=%C2%B2", "/threads/{tid}?before=%C2%B2",
                                  "/threads/{tid}/live?after=%C2%B2", "/api/v1/threads/{tid}?cursor=%C2%B2",
                                  "/api/v1/threads/{tid}?cursor=99999999999999999999"])
def test_digits_that_are_not_ascii_or_too_many_are_a_400(db, world, path):
    tid = call(world.c["author"], "POST", COURSE, {"title": "T", "body": "b"}).get_json()["id"]
    assert world.c["other"].get(path.format(tid=tid)).status_code in (400, 422)


def test_a_quote_argument_that_is_not_a_number_is_ignored(db, world):
    tid = call(world.c["author"], "POST", COURSE, {"title": "T", "body": "b"}).get_json()["id"]
    assert world.c["other"].get(f"/threads/{tid}?quote=%C2%B2").status_code == 200


def test_after_past_the_end_marks_nothing_read(db, world):
    c = world.c
    tid = call(c["author"], "POST", COURSE, {"title": "T", "body": "first"}).get_json()["id"]
    for i in range(3):
        call(c["author"], "POST", f"/api/v1/threads/{tid}/posts", {"body": f"r{i}"})
    assert c["other"].get(f"/threads/{tid}?after=999").status_code == 200
    assert db.session.scalar(select(ThreadUser.last_read_number).where(
        ThreadUser.user_id == world.other.id, ThreadUser.thread_id == tid)) in (None, 0)


def test_a_thread_locked_after_it_was_loaded_takes_no_reply(app, db, world):
    course_id, _ = course_ids("party-building-online")
    thread, _ = posting.create_thread(world.author, Place(course_id=course_id), "T", "b")
    db.session.commit()
    stale = db.session.get(Thread, thread.id)  # what the request's loader read
    db.session.execute(update(Thread).where(Thread.id == thread.id).values(locked=True)
                       .execution_options(synchronize_session=False))  # another request locks it
    with app.test_request_context(), pytest.raises(DomainError) as refused:
        posting.reply(world.other, stale, "sneaks in")
    assert refused.value.code == "thread_locked"
    db.session.rollback()
    assert db.session.scalar(select(Thread.highest_number).where(Thread.id == thread.id)) == 1


def test_mark_all_read_does_not_count_hidden_threads(db, world):
    c = world.c
    ids = [call(c["author"], "POST", COURSE, {"title": f"T{i}", "body": "b"}).get_json()["id"] for i in range(3)]
    for tid in ids[:2]:
        assert call(c["mod"], "PATCH", f"/api/v1/threads/{tid}", {"hidden": True, "reason": "x"}).status_code == 200
    assert call(c["other"], "POST", "/api/v1/courses/party-building-online/threads/read").get_json()["marked"] == 1
    assert call(c["mod"], "POST", "/api/v1/courses/party-building-online/threads/read").get_json()["marked"] == 3


def test_the_api_hides_the_author_of_a_hidden_post_and_of_its_quote(db, world):
    c = world.c
    tid = call(c["author"], "POST", COURSE, {"title": "T", "body": "b"}).get_json()["id"]
    hidden = call(c["other"], "POST", f"/api/v1/threads/{tid}/posts", {"body": "to hide"}).get_json()
    quoting = call(c["author"], "POST", f"/api/v1/threads/{tid}/posts",
                   {"body": "quoting", "quote": hidden["id"]}).get_json()
    assert call(c["mod"], "POST", f"/api/v1/posts/{hidden['id']}/hide", {"reason": "x"}).status_code == 200
    posts = {p["id"]: p for p in call(c["author"], "GET", f"/api/v1/threads/{tid}").get_json()["posts"]}
    assert posts[hidden["id"]]["author"] is None and posts[hidden["id"]]["body_html"] == ""
    assert posts[quoting["id"]]["quote"]["author"] is None
    seen_by_mod = {p["id"]: p for p in call(c["mod"], "GET", f"/api/v1/threads/{tid}").get_json()["posts"]}
    assert seen_by_mod[hidden["id"]]["author"]["username"] == "other1"


def test_an_archived_class_is_read_only(db, world):
    c = world.c
    tid = call(c["author"], "POST", f"/api/v1/classes/{world.klass.id}/threads",
               {"title": "T", "body": "b"}).get_json()["id"]
    world.klass.status = "archived"
    db.session.commit()
    assert call(c["other"], "GET", f"/api/v1/threads/{tid}").status_code == 200
    for method, path, body in (("POST", f"/api/v1/threads/{tid}/posts", {"body": "late"}),
                               ("POST", f"/api/v1/classes/{world.klass.id}/threads", {"title": "x", "body": "y"})):
        refused = call(c["other"], method, path, body)
        assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "class_archived"
    page = c["other"].get(f"/threads/{tid}").get_data(as_text=True)
    assert 'action="/threads/%d/posts"' % tid not in page
    assert db.session.scalar(select(Thread.highest_number).where(Thread.id == tid)) == 1


def test_a_hidden_post_stops_being_the_accepted_answer(app, db, world):
    course_id, _ = course_ids("party-building-online")
    thread, _ = posting.create_thread(world.author, Place(course_id=course_id), "Q", "b", kind="question")
    answer, _ = posting.reply(world.other, thread, "the answer")
    posting.accept_post(world.author, answer, thread)
    with app.test_request_context():
        moderation.set_post_hidden(world.mod, answer, thread, True, "off topic")
    db.session.commit()
    assert db.session.scalar(select(Post.accepted).where(Post.id == answer.id)) is False


@pytest.fixture
def draft_course(make_app, write_content):
    from learnhub.auth import services as auth_services
    from learnhub.courses.catalog import get_catalog
    from learnhub.courses.index import sync_all

    root = write_content({"open/course.md": course_file("Open course"), "open/01-first.md": unit_file("First"),
                          "secret/course.md": course_file("Secret draft course", draft=True, order=2),
                          "secret/01-only.md": unit_file("Only")})
    app = make_app(CONTENT_DIR=str(root))
    with app.app_context():
        sync_all(_db.session, get_catalog().tree())
        _db.session.commit()
        users = {name: auth_services.create_user(name, "correct-horse-1", role)
                 for name, role in (("t1", "instructor"), ("t2", "instructor"), ("stf", "staff"))}
        _db.session.commit()
        secret_id, _ = course_ids("secret")
        yield app, users, Place(course_id=secret_id)


def test_a_draft_courses_reports_reach_only_those_who_may_see_it(draft_course):
    app, users, secret = draft_course
    thread, _ = posting.create_thread(users["t1"], secret, "Secret plan title", "DRAFT BODY")
    _db.session.commit()
    post = _db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    with app.test_request_context():
        moderation.report_post(users["t2"], post, thread, "check")
        _db.session.commit()
    staff = signed_in(app, users["stf"])
    assert staff.get(f"/api/v1/threads/{thread.id}").status_code == 404
    assert "DRAFT BODY" not in staff.get("/api/v1/reports").get_data(as_text=True)
    assert "Secret plan title" not in staff.get("/api/v1/notifications").get_data(as_text=True)
    teacher = signed_in(app, users["t1"])
    assert "DRAFT BODY" in teacher.get("/api/v1/reports").get_data(as_text=True)
    assert "Secret plan title" in teacher.get("/api/v1/notifications").get_data(as_text=True)
