"""The moderation services: every change audited with its reason and bumping the thread's
version; hiding needs a reason; hidden content is refused for replies and absent from
others' lists; moving stays within the course."""
from __future__ import annotations

import pytest

from learnhub.core.audit import AuditEntry
from learnhub.core.errors import DomainError
from learnhub.discussions.models import Post, Thread
from learnhub.discussions.moderation import services
from learnhub.discussions.places import Place
from learnhub.discussions.posting import services as posting
from learnhub.discussions.queries import thread_list
from tests.support.discussions import course_ids, post_id


def audits(db, action):
    return db.session.query(AuditEntry).filter_by(action=action).order_by(AuditEntry.id).all()


def test_each_thread_action_is_audited_and_bumps_the_version(forum, db):
    thread, head = forum.thread, forum.head
    steps = [
        ("discussion.pin", lambda: services.set_pinned(head, thread, True, "Read this first")),
        ("discussion.unpin", lambda: services.set_pinned(head, thread, False)),
        ("discussion.lock", lambda: services.set_locked(head, thread, True, "Settled")),
        ("discussion.unlock", lambda: services.set_locked(head, thread, False)),
        ("discussion.hide", lambda: services.set_thread_hidden(head, thread, True, "Off topic")),
        ("discussion.unhide", lambda: services.set_thread_hidden(head, thread, False, "Reconsidered")),
        ("discussion.move", lambda: services.move_thread(head, thread, "problems", "Belongs there")),
    ]
    for action, step in steps:
        version = thread.version
        assert step() is True
        db.session.commit()
        assert db.session.get(Thread, thread.id).version == version + 1, action
        entry, = audits(db, action)
        assert (entry.actor_id, entry.target_type, entry.target_id) == (head.id, "threads", thread.id)
        assert entry.data["thread"] == thread.id
    assert audits(db, "discussion.pin")[0].data["reason"] == "Read this first"
    assert audits(db, "discussion.hide")[0].data["reason"] == "Off topic"
    assert "reason" not in audits(db, "discussion.unpin")[0].data


def test_a_change_to_the_same_state_writes_nothing(forum, db):
    version = forum.thread.version
    assert services.set_pinned(forum.head, forum.thread, False) is False
    assert services.set_thread_hidden(forum.head, forum.thread, False) is False
    assert services.move_thread(forum.head, forum.thread, "why-online") is False
    db.session.commit()
    assert db.session.get(Thread, forum.thread.id).version == version
    assert db.session.query(AuditEntry).filter(AuditEntry.action.like("discussion.%")).count() == 0


@pytest.mark.parametrize("reason", [None, "", "   ", "x" * 501])
def test_hiding_needs_a_reason_and_a_bad_one_changes_nothing(forum, db, reason):
    post = db.session.get(Post, post_id(db, forum.thread, 2))
    for hide in (lambda: services.set_thread_hidden(forum.head, forum.thread, True, reason),
                 lambda: services.set_post_hidden(forum.head, post, forum.thread, True, reason)):
        with pytest.raises(DomainError) as refused:
            hide()
        assert (refused.value.status, refused.value.code, refused.value.fields.keys()) == (
            422, "invalid_field", {"reason"})
    db.session.rollback()
    assert not db.session.get(Thread, forum.thread.id).hidden and not db.session.get(Post, post.id).hidden
    assert db.session.query(AuditEntry).filter(AuditEntry.action.like("discussion.%")).count() == 0


def test_a_hidden_thread_refuses_replies_and_leaves_others_lists(forum, db):
    services.set_thread_hidden(forum.head, forum.thread, True, "Spam")
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        posting.reply(forum.replier, forum.thread, "Still here?")
    assert (refused.value.status, refused.value.code) == (403, "thread_hidden")
    place = Place(course_id=forum.course_id)
    assert forum.thread.id not in [row.id for row in thread_list(forum.replier, place).items]
    assert forum.thread.id in [row.id for row in thread_list(forum.head, place, include_hidden=True).items]
    reloaded = db.session.get(Thread, forum.thread.id)
    assert (reloaded.hidden_reason, reloaded.hidden_by_id) == ("Spam", forum.head.id)


def test_a_locked_thread_refuses_replies(forum, db):
    services.set_locked(forum.head, forum.thread, True)
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        posting.reply(forum.replier, forum.thread, "One more")
    assert (refused.value.status, refused.value.code) == (403, "thread_locked")


def test_hiding_a_post_recounts_the_replies_and_unhiding_restores_them(forum, db):
    thread = forum.thread
    assert thread.replies_count == 2
    post = db.session.get(Post, post_id(db, thread, 2))
    version = thread.version
    services.set_post_hidden(forum.instructor, post, thread, True, "Insulting")
    db.session.commit()
    thread = db.session.get(Thread, thread.id)
    assert (thread.replies_count, thread.version) == (1, version + 1)
    assert (post.hidden, post.hidden_reason, post.hidden_by_id) == (True, "Insulting", forum.instructor.id)
    entry, = audits(db, "discussion.post_hide")
    assert (entry.target_type, entry.target_id, entry.data) == (
        "posts", post.id, {"thread": thread.id, "reason": "Insulting", "number": 2})
    # A quote of the hidden post is refused too (posting's rule).
    with pytest.raises(DomainError) as refused:
        posting.reply(forum.author, thread, "As they said", quote_post_id=post.id)
    assert refused.value.status == 422
    services.set_post_hidden(forum.instructor, post, thread, False)
    db.session.commit()
    assert db.session.get(Thread, thread.id).replies_count == 2
    assert post.hidden_reason is None and len(audits(db, "discussion.post_unhide")) == 1


def test_move_within_the_course_or_to_none(forum, db):
    thread = forum.thread
    _course, problems = course_ids("party-building-online", "problems")
    assert services.move_thread(forum.head, thread, "problems")
    assert thread.unit_id == problems
    assert services.move_thread(forum.head, thread, None)
    assert thread.unit_id is None
    db.session.commit()
    moves = audits(db, "discussion.move")
    assert [(m.data["unit_from"], m.data.get("unit_to")) for m in moves] == [(forum.unit_id, problems),
                                                                              (problems, None)]


def test_move_refuses_another_courses_unit_and_class_threads(forum, db):
    with pytest.raises(DomainError) as refused:
        services.move_thread(forum.head, forum.thread, "no-such-unit")
    assert (refused.value.status, refused.value.fields.keys()) == (422, {"unit"})
    with pytest.raises(DomainError) as refused:  # a unit of the other course
        services.move_thread(forum.head, forum.thread, "weishenme-shangwang")
    assert refused.value.status == 422
    with pytest.raises(DomainError) as refused:
        services.move_thread(forum.head, forum.class_thread, "problems")
    assert (refused.value.status, refused.value.code) == (409, "class_thread")
    with pytest.raises(DomainError) as refused:
        services.move_thread(forum.head, forum.class_thread, None)
    assert refused.value.status == 409
    db.session.rollback()
    assert db.session.get(Thread, forum.thread.id).unit_id == forum.unit_id
    assert db.session.query(AuditEntry).filter(AuditEntry.action.like("discussion.%")).count() == 0


def test_update_thread_checks_everything_before_changing_anything(forum, db):
    with pytest.raises(DomainError):
        services.update_thread(forum.head, forum.thread, pinned=True, hidden=True)  # no reason
    with pytest.raises(DomainError):
        services.update_thread(forum.head, forum.thread, locked=True, unit="nowhere")
    db.session.rollback()
    row = db.session.get(Thread, forum.thread.id)
    assert (row.pinned, row.locked, row.hidden) == (False, False, False)
    assert db.session.query(AuditEntry).filter(AuditEntry.action.like("discussion.%")).count() == 0
