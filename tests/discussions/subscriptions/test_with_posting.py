"""The receiver wired to the real posting service and the thread page (not the seeded rows)."""
from __future__ import annotations

from sqlalchemy import select

from learnhub.discussions.models import Post, ThreadUser
from learnhub.discussions.places import Place
from learnhub.discussions.posting import services as posting
from tests.support.web import api_client


def test_posting_follows_notifies_and_the_thread_page_shows_the_button(app, db, forum, inbox):
    place = Place(class_id=forum.school_class.id)
    thread, _created = posting.create_thread(forum.alice, place, "Plan", "Hello @bob and @dave")
    db.session.commit()
    assert [kind for kind, *_ in inbox(forum.bob)] == ["mention"] and inbox(forum.dave) == []
    post, _created = posting.reply(forum.carol, thread, "Me too")
    db.session.commit()
    assert inbox(forum.alice) == [("reply", "%(user)s replied in “%(title)s”", {"user": "carol", "title": "Plan"},
                                   f"/posts/{post.id}")]
    assert db.session.get(ThreadUser, (forum.carol.id, thread.id)).following is True

    client = api_client(app, forum.carol)
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert f'action="/threads/{thread.id}/unfollow"' in page
    assert client.api("DELETE", f"/api/v1/threads/{thread.id}/follow").get_json() == {"following": False}
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert f'action="/threads/{thread.id}/follow"' in page
    goto = client.get(inbox(forum.alice)[0][3])
    assert goto.status_code == 302 and f"/threads/{thread.id}" in goto.headers["Location"]


def test_an_edit_adding_a_mention_sends_nothing(app, db, forum, inbox):
    thread, _created = posting.create_thread(forum.alice, Place(class_id=forum.school_class.id), "Plan", "Hello")
    db.session.commit()
    first = db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.number == 1))
    posting.edit_post(forum.alice, first, thread, "Hello @bob")
    db.session.commit()
    assert inbox(forum.bob) == []
