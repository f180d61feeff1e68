"""The thread pages through HTTP: lists, the new-thread forms, replies with quotes, edits,
delete and accept, and bad input that changes nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from learnhub.discussions.models import Post, Thread
from learnhub.discussions.posting import services as posting
from tests.support.discussions import COURSE, UNIT, seed_posts, seed_thread

LIST = f"/courses/{COURSE}/threads"
NEW = f"/courses/{COURSE}/threads/new"


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_new_course_thread_on_a_unit_as_a_question(forum, db):
    client = forum.client(forum.member)
    page = client.get(f"{NEW}?unit={UNIT}&kind=question").get_data(as_text=True)
    assert 'selected value="why-online"' in page and 'checked id="kind-1" name="kind" type="radio" value="question"' in page
    response = forum.post_form(client, f"{NEW}?unit={UNIT}", NEW,
                               {"title": "什么是三会一课？", "body": "请教", "kind": "question", "unit": UNIT})
    assert response.status_code == 302
    thread = db.session.scalars(select(Thread)).one()
    assert (thread.unit_id, thread.kind, thread.title) == (forum.unit.unit_id, "question", "什么是三会一课？")
    assert response.headers["Location"].endswith(f"/threads/{thread.id}")
    unit_list = client.get(f"{LIST}?unit={UNIT}").get_data(as_text=True)
    assert "什么是三会一课？" in unit_list and f"/courses/{COURSE}/{UNIT}" in unit_list  # back to the unit


def test_double_submitted_form_posts_once(forum, db):
    client = forum.client(forum.member)
    data = {"title": "Once", "body": "Text", "kind": "discussion", "unit": "", "client_key": "k" * 32}
    for _ in range(2):
        assert forum.post_form(client, NEW, NEW, data).status_code == 302
    assert _count(db, Thread) == 1


def test_bad_new_thread_input_is_422_and_writes_nothing(forum, db):
    client = forum.client(forum.member)
    for data in ({"title": "", "body": "x"}, {"title": "x" * 201, "body": "x"}, {"title": "t", "body": ""},
                 {"title": "t", "body": "x" * 20_001}, {"title": "t", "body": "x", "kind": "poll"},
                 {"title": "t", "body": "x", "unit": "no-such-unit"}):
        response = forum.post_form(client, NEW, NEW, {"kind": "discussion", **data})
        assert response.status_code == 422, data
        assert 'class="field-error"' in response.get_data(as_text=True), (data, response.get_data(as_text=True)[1500:3500])
    assert _count(db, Thread) == 0 and _count(db, Post) == 0


def test_class_thread_and_reply_with_quote(forum, db):
    client = forum.client(forum.member)
    new = f"/classes/{forum.klass.id}/threads/new"
    assert forum.post_form(client, new, new, {"title": "班级讨论", "body": "first"}).status_code == 302
    thread = db.session.scalars(select(Thread)).one()
    assert thread.class_id == forum.klass.id and thread.course_id is None
    first = db.session.scalar(select(Post.id).where(Post.thread_id == thread.id))
    reader = forum.client(forum.reader)
    page_url = f"/threads/{thread.id}?quote={first}"
    page = reader.get(page_url).get_data(as_text=True)
    assert f'name="quote" type="hidden" value="{first}"' in page and "Quoting #1" in page
    response = forum.post_form(reader, page_url, f"/threads/{thread.id}/posts", {"body": "agree", "quote": first})
    assert response.status_code == 302 and response.headers["Location"].endswith("/posts/" + str(
        db.session.scalar(select(Post.id).where(Post.number == 2))))
    page = reader.get(f"/threads/{thread.id}?after=0").get_data(as_text=True)
    assert 'href="#post-1">Quoting #1' in page and "agree" in page


def test_reply_refusals(forum, db):
    thread = seed_thread(forum.member, course_id=forum.course.course_id, title="Locked")
    thread.locked = True
    db.session.commit()
    client = forum.client(forum.reader)
    url = f"/threads/{thread.id}"
    assert "no new replies" in client.get(url).get_data(as_text=True)
    assert forum.post_form(client, f"/courses/{COURSE}/threads", f"{url}/posts", {"body": "x"}).status_code == 403
    thread.locked = False
    db.session.commit()
    assert forum.post_form(client, url, f"{url}/posts", {"body": ""}).status_code == 422
    foreign = seed_thread(forum.outsider, class_id=forum.other_class.id)
    foreign_post = db.session.scalar(select(Post.id).where(Post.thread_id == foreign.id))
    db.session.commit()
    response = forum.post_form(client, url, f"{url}/posts", {"body": "x", "quote": foreign_post})
    assert response.status_code == 422
    assert _count(db, Post) == 2  # the two first posts only


def test_edit_window_through_the_page(forum, db):
    thread, _ = posting.create_thread(forum.member, forum.course, "Title", "original")
    db.session.commit()
    post_id = db.session.scalar(select(Post.id).where(Post.thread_id == thread.id))
    member, teacher = forum.client(forum.member), forum.client(forum.instructor)
    edit = f"/posts/{post_id}/edit"
    page = member.get(edit).get_data(as_text=True)
    assert 'name="title"' in page and "original" in page
    assert forum.post_form(member, edit, edit, {"title": "New title", "body": "changed"}).status_code == 302
    assert "edited" in member.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert forum.post_form(forum.client(forum.reader), f"/threads/{thread.id}", edit,
                           {"body": "hijack"}).status_code == 403
    forum.clock.advance(minutes=31)
    assert member.get(edit).status_code == 403
    assert forum.post_form(member, f"/threads/{thread.id}", edit, {"body": "late"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Post, post_id).body == "changed" and db.session.get(Thread, thread.id).title == "New title"
    assert teacher.get(edit).status_code == 200  # moderators any time
    history = teacher.get(f"/posts/{post_id}/history").get_data(as_text=True)
    assert "original" in history and "Title" in history
    assert member.get(f"/posts/{post_id}/history").status_code == 403


def test_reply_edit_form_has_no_title(forum, db):
    thread = seed_thread(forum.member, course_id=forum.course.course_id)
    seed_posts(thread, [forum.member], 1)
    db.session.commit()
    reply_id = db.session.scalar(select(Post.id).where(Post.number == 2))
    assert 'name="title"' not in forum.client(forum.member).get(f"/posts/{reply_id}/edit").get_data(as_text=True)


def test_delete_and_accept(forum, db):
    thread = seed_thread(forum.member, course_id=forum.course.course_id, kind="question", title="Q")
    seed_posts(thread, [forum.reader], 2, body="answer {n}")
    db.session.commit()
    two, three = (db.session.scalar(select(Post.id).where(Post.number == n)) for n in (2, 3))
    url = f"/threads/{thread.id}"
    member, reader = forum.client(forum.member), forum.client(forum.reader)
    assert forum.post_form(reader, url, f"/posts/{two}/accept", {}).status_code == 403  # not the asker
    assert forum.post_form(member, url, f"/posts/{two}/accept", {}).status_code == 302
    page = member.get(url).get_data(as_text=True)
    assert "Accepted answer" in page and "Unmark accepted answer" in page
    assert "Answered" in member.get(LIST).get_data(as_text=True)
    assert forum.post_form(member, url, f"/posts/{three}/delete", {}).status_code == 403  # not the author
    assert forum.post_form(reader, url, f"/posts/{three}/delete", {}).status_code == 302
    page = member.get(url).get_data(as_text=True)
    assert "Post removed." in page and "answer 3" not in page
    assert forum.post_form(member, url, f"/posts/{two}/accept", {"undo": "1"}).status_code == 302
    assert not db.session.get(Post, two).accepted


def test_list_order_badges_and_new_counts(forum, db):
    course_id = forum.course.course_id
    old = seed_thread(forum.member, course_id=course_id, title="Thread-old")
    pinned = seed_thread(forum.member, course_id=course_id, title="Thread-pinned")
    pinned.pinned = True
    forum.clock.advance(minutes=5)
    fresh = seed_thread(forum.member, course_id=course_id, title="Thread-fresh")
    hidden = seed_thread(forum.member, course_id=course_id, title="Hidden one")
    hidden.hidden = True
    db.session.commit()
    reader = forum.client(forum.reader)
    reader.get(f"/threads/{old.id}")  # read up to post 1
    seed_posts(old, [forum.member], 3)
    db.session.commit()
    page = reader.get(LIST).get_data(as_text=True)
    assert "Hidden one" not in page
    # the old thread's new replies make it the latest activity
    assert page.index("Thread-pinned") < page.index("Thread-old") < page.index("Thread-fresh")
    assert "3 new" in page and "Unread" in page
    assert "Hidden one" in forum.client(forum.instructor).get(LIST).get_data(as_text=True)
    assert reader.get(f"/threads/{hidden.id}").status_code == 404
    del fresh
