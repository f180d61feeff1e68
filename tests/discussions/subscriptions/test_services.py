"""Following, and the notifications a new post sends (reply, mention)."""
from __future__ import annotations

import pytest

from learnhub.core.errors import NotFound
from learnhub.discussions.models import ThreadUser
from learnhub.discussions.subscriptions import services

REPLY = "%(user)s replied in “%(title)s”"
MENTION = "%(user)s mentioned you in “%(title)s”"


def following(db, user, thread):
    return db.session.get(ThreadUser, (user.id, thread.id)).following


def test_the_author_follows_their_new_thread(forum, db):
    thread = forum.new_thread(forum.alice)
    assert services.is_following(forum.alice, thread)
    assert not services.is_following(forum.bob, thread)


def test_a_reply_notifies_followers_but_not_its_author_nor_unfollowers(forum, db, inbox):
    thread = forum.new_thread(forum.alice, title="Study plan")
    forum.say(forum.bob, thread)                  # bob follows by replying; alice is notified
    services.follow(forum.carol, thread)
    services.unfollow(forum.head, thread)          # the head teacher chose not to follow
    db.session.commit()
    post = forum.say(forum.bob, thread, "Another one")
    url = f"/posts/{post.id}"
    assert inbox(forum.alice) == [
        ("reply", REPLY, {"user": "bob", "title": "Study plan"}, f"/posts/{post.id - 1}"),
        ("reply", REPLY, {"user": "bob", "title": "Study plan"}, url)]
    assert inbox(forum.carol) == [("reply", REPLY, {"user": "bob", "title": "Study plan"}, url)]
    assert inbox(forum.bob) == [] and inbox(forum.head) == [] and inbox(forum.dave) == []


def test_an_unfollow_sticks_when_the_member_posts_again(forum, db, inbox):
    thread = forum.new_thread(forum.alice)
    services.unfollow(forum.alice, thread)
    db.session.commit()
    forum.say(forum.alice, thread, "I write again")
    assert following(db, forum.alice, thread) is False
    forum.say(forum.bob, thread)
    assert inbox(forum.alice) == []
    services.follow(forum.alice, thread)  # and following again works
    db.session.commit()
    forum.say(forum.bob, thread)
    assert [kind for kind, *_ in inbox(forum.alice)] == ["reply"]


def test_follow_and_unfollow_are_idempotent_upserts(forum, db, count_queries):
    thread = forum.new_thread(forum.alice)
    db.session.expire_all()
    for _ in range(2):
        services.follow(forum.bob, thread)
    assert services.is_following(forum.bob, thread)
    services.unfollow(forum.bob, thread)
    services.unfollow(forum.bob, thread)
    assert services.is_following(forum.bob, thread) is False
    with count_queries() as statements:
        services.follow(forum.carol, thread)
    writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert len(writes) == 1 and "ON CONFLICT" in writes[0].upper()


def test_who_cannot_read_the_thread_cannot_follow_it(forum, db):
    thread = forum.new_thread(forum.alice)
    with pytest.raises(NotFound):
        services.follow(forum.dave, thread)  # a member of another class
    assert db.session.get(ThreadUser, (forum.dave.id, thread.id)) is None


def test_a_follower_who_left_the_class_or_was_deactivated_hears_nothing(forum, db, inbox):
    from learnhub.classes.models import Membership

    thread = forum.new_thread(forum.alice)
    services.follow(forum.bob, thread)
    services.follow(forum.carol, thread)
    db.session.query(Membership).filter_by(user_id=forum.bob.id, class_id=forum.school_class.id).delete()
    forum.carol.active = False
    db.session.commit()
    forum.say(forum.head, thread)
    assert inbox(forum.bob) == [] and inbox(forum.carol) == []
    assert len(inbox(forum.alice)) == 1


# ---- mentions ---------------------------------------------------------------------------------

def test_a_mention_notifies_a_reader_of_the_thread(forum, inbox):
    thread = forum.new_thread(forum.alice, title="Plan", body="What do you think, @Bob?")
    post_id = thread.id and inbox(forum.bob)[0][3]
    assert inbox(forum.bob) == [("mention", MENTION, {"user": "alice", "title": "Plan"}, post_id)]


def test_a_mention_of_a_member_who_cannot_read_the_class_thread_sends_nothing(forum, inbox):
    thread = forum.new_thread(forum.alice, body="@dave look")   # dave is in another class
    forum.say(forum.bob, thread, "@dave please")
    assert inbox(forum.dave) == []


def test_in_a_course_thread_anyone_who_sees_the_course_may_be_mentioned(forum, inbox):
    forum.new_thread(forum.alice, course=True, body="@dave look")
    assert [kind for kind, *_ in inbox(forum.dave)] == ["mention"]


def test_mentioning_yourself_unknown_or_inactive_names_sends_nothing(forum, db, make_user, inbox):
    make_user("gone", active=False)
    thread = forum.new_thread(forum.alice, course=True, body="@alice @nobody @gone")
    assert inbox(forum.alice) == []
    assert services.mentioned_readers("@gone @nobody @alice", thread, forum.alice.id) == []


def test_a_name_mentioned_twice_notifies_once(forum, inbox):
    forum.new_thread(forum.alice, body="@bob and again @BOB and `@bob`")
    assert len(inbox(forum.bob)) == 1


def test_a_mentioned_follower_gets_the_mention_only(forum, db, inbox):
    thread = forum.new_thread(forum.alice)
    services.follow(forum.bob, thread)
    db.session.commit()
    forum.say(forum.carol, thread, "@bob what do you say?")
    assert [kind for kind, *_ in inbox(forum.bob)] == ["mention"]
    assert [kind for kind, *_ in inbox(forum.alice)] == ["reply"]


def test_a_mention_in_code_sends_nothing(forum, inbox):
    forum.new_thread(forum.alice, body="```\n@bob\n```\nand `@carol`")
    assert inbox(forum.bob) == [] and inbox(forum.carol) == []


def test_staff_of_the_class_may_be_mentioned(forum, inbox):
    forum.new_thread(forum.alice, body=f"@{forum.head.username} a question")
    assert [kind for kind, *_ in inbox(forum.head)] == ["mention"]
