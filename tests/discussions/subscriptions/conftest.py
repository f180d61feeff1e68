"""The subscriptions tests' world: a class thread and a course thread by "alice", members of
the class ("bob", "carol"), a member of another class ("dave"), and `say(user, thread, body)`
which writes a post straight to the tables and sends core.signals.post_created as posting does
(the receiver is tested on its own; tests through the posting service are marked so)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from learnhub.core.notifications import Notification
from learnhub.core.signals import post_created
from learnhub.discussions.models import Post
from tests.support.discussions import course_ids, seed_posts, seed_thread


@pytest.fixture
def forum(app, db, make_user, make_class):
    alice, bob, carol, dave = (make_user(name) for name in ("alice", "bob", "carol", "dave"))
    school_class = make_class(members=[alice, bob, carol])
    other_class = make_class(members=[dave])
    course_id, unit_id = course_ids("party-building-online", "why-online")

    class Forum:
        pass

    forum = Forum()
    forum.alice, forum.bob, forum.carol, forum.dave = alice, bob, carol, dave
    forum.school_class, forum.other_class, forum.head = school_class, other_class, school_class.head

    def new_thread(author, *, course=False, title="Class thread", body="First post"):
        place = {"course_id": course_id, "unit_id": unit_id} if course else {"class_id": school_class.id}
        thread = seed_thread(author, title=title, body=body, **place)
        post = db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.number == 1))
        post_created.send(app, post=post, thread=thread, new_thread=True)
        db.session.commit()
        return thread

    def say(author, thread, body="A reply"):
        seed_posts(thread, [author], 1, body=body)
        post = db.session.scalar(select(Post).where(Post.thread_id == thread.id,
                                                    Post.number == thread.highest_number))
        post_created.send(app, post=post, thread=thread, new_thread=False)
        db.session.commit()
        return post

    forum.new_thread, forum.say = new_thread, say
    return forum


@pytest.fixture
def inbox(db):
    """inbox(user, kind=None) -> the user's notifications [(kind, text msgid, params, url)]."""

    def read(user, kind=None):
        query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        if kind:
            query = query.where(Notification.kind == kind)
        return [(n.kind, n.text, n.params, n.url) for n in db.session.scalars(query)]

    return read
