"""Replies arriving at once: every reply gets its own number, none is lost; one client key
posts once even when the same form is submitted twice at the same moment."""
from __future__ import annotations

from sqlalchemy import func, select

from learnhub.auth.models import User
from learnhub.discussions.models import Post, Thread
from learnhub.discussions.posting import services as posting
from tests.support.threads import race, slow_reads


def _reply(thread_id, user_id, body, client_key=None):
    def job():
        from learnhub.extensions import db

        thread, user = db.session.get(Thread, thread_id), db.session.get(User, user_id)
        post, created = posting.reply(user, thread, body, client_key=client_key)
        return post.number, created
    return job


def _make_thread(db, forum):
    thread, _ = posting.create_thread(forum.member, forum.course, "Race", "start")
    db.session.commit()
    return thread.id


def test_replies_at_once_get_distinct_numbers(app, db, make_app, forum):
    thread_id = _make_thread(db, forum)
    users = [forum.member.id, forum.other.id, forum.instructor.id, forum.outsider.id]
    apps = [make_app() for _ in users]
    with slow_reads("threads"):
        outcomes = race(apps, [_reply(thread_id, u, f"reply {i}") for i, u in enumerate(users)], results=True)
    assert sorted(number for number, _created in outcomes) == [2, 3, 4, 5], outcomes
    db.session.expire_all()
    thread = db.session.get(Thread, thread_id)
    assert (thread.highest_number, thread.replies_count) == (5, 4)
    assert db.session.scalars(select(Post.number).where(Post.thread_id == thread_id)
                              .order_by(Post.number)).all() == [1, 2, 3, 4, 5]


def test_a_double_submit_at_once_posts_once(app, db, make_app, forum):
    thread_id = _make_thread(db, forum)
    apps = [make_app(), make_app()]
    with slow_reads("posts"):
        outcomes = race(apps, [_reply(thread_id, forum.other.id, "twice", client_key="same-key")] * 2,
                        results=True)
    assert sorted(created for _number, created in outcomes) == [False, True], outcomes
    assert len({number for number, _created in outcomes}) == 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Post.id)).where(Post.thread_id == thread_id)) == 2
    assert db.session.get(Thread, thread_id).highest_number == 2
