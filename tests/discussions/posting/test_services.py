"""posting.services: limits, numbering, idempotency, edits and their history, soft delete,
accepted answers, refusals (locked, hidden, quotes), and the post_created signal."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from learnhub.core.audit import AuditEntry
from learnhub.core.errors import DomainError, FieldError
from learnhub.core.signals import post_created
from learnhub.discussions.models import Post, PostRevision, Thread
from learnhub.discussions.posting import services as posting


def ask(forum, title="A question", body="How does it work?", **kwargs):
    thread, created = posting.create_thread(forum.member, forum.course, title, body, **kwargs)
    assert created
    return thread


def code(error) -> str:
    return error.value.code


@pytest.fixture
def sent(app):
    """Every post_created the test causes: (post id, thread id, new_thread)."""
    seen = []

    def receiver(sender, post, thread, new_thread):
        seen.append((post.id, thread.id, new_thread))

    post_created.connect(receiver, app)
    yield seen
    post_created.disconnect(receiver, app)


# ---- creating ---------------------------------------------------------------------------------

def test_a_thread_starts_with_post_one_and_a_signal(db, forum, sent):
    thread = ask(forum, title="  Spaced title ", body="**Hello** <b>x</b>", kind="question")
    db.session.commit()
    first = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    assert (thread.title, thread.kind, thread.highest_number, thread.replies_count) == ("Spaced title", "question", 1, 0)
    assert (thread.course_id, thread.unit_id, thread.class_id) == (forum.course.course_id, forum.course.unit_id, None)
    assert first.number == 1 and "<strong>Hello</strong>" in first.body_html and "<b>" not in first.body_html
    assert first.excerpt == "Hello <b>x</b>"   # plain text (escaped when shown)
    assert sent == [(first.id, thread.id, True)]


@pytest.mark.parametrize("title,body,field", [
    ("", "body", "title"), ("   ", "body", "title"), ("x" * 201, "body", "title"), (None, "body", "title"),
    ("ok", "", "body"), ("ok", " \n ", "body"), ("ok", "x" * 20_001, "body"), ("ok", 5, "body"),
    ("bad\x00", "body", "title"), ("ok", "bad\ud800", "body"), ("ok", "[" * 10_000, "body"),
])
def test_bad_titles_and_bodies_are_refused_naming_the_field_and_write_nothing(db, forum, sent, title, body, field):
    with pytest.raises(FieldError) as error:
        posting.create_thread(forum.member, forum.course, title, body)
    assert error.value.field == field and error.value.status == 422
    assert db.session.scalar(select(Thread.id)) is None and sent == []


def test_the_limits_themselves_are_accepted(db, forum):
    thread = ask(forum, title="题" * 200, body="字" * 20_000)
    assert len(thread.title) == 200


def test_unknown_kind_and_bad_client_key_are_refused(forum):
    with pytest.raises(FieldError) as error:
        posting.create_thread(forum.member, forum.course, "t", "b", kind="poll")
    assert error.value.field == "kind"
    with pytest.raises(FieldError) as error:
        posting.create_thread(forum.member, forum.course, "t", "b", client_key="k" * 65)
    assert error.value.field == "client_key"


def test_same_author_and_client_key_post_once(db, forum, sent):
    first, created = posting.create_thread(forum.member, forum.course, "t", "b", client_key="abc")
    again, created_again = posting.create_thread(forum.member, forum.course, "t", "b", client_key="abc")
    other, other_created = posting.create_thread(forum.other, forum.course, "t", "b", client_key="abc")
    assert created and not created_again and again.id == first.id
    assert other_created and other.id != first.id                 # keys are per author
    post, made = posting.reply(forum.member, first, "r", client_key="r1")
    post2, made2 = posting.reply(forum.member, first, "r", client_key="r1")
    assert made and not made2 and post2.id == post.id
    db.session.commit()
    assert db.session.get(Thread, first.id).highest_number == 2
    assert len(sent) == 3                                         # two threads and one reply
    with pytest.raises(DomainError) as error:                     # a thread's key reused for a reply
        posting.reply(forum.member, first, "r", client_key="abc")
    assert code(error) == "idempotency_key_reused"


# ---- replies ----------------------------------------------------------------------------------

def test_replies_are_numbered_and_counted(db, forum, sent):
    thread = ask(forum)
    version = thread.version
    forum.clock.advance(minutes=1)
    a, _ = posting.reply(forum.other, thread, "one")
    b, _ = posting.reply(forum.member, thread, "two", quote_post_id=a.id)
    db.session.commit()
    thread = db.session.get(Thread, thread.id)
    assert (a.number, b.number, thread.highest_number, thread.replies_count) == (2, 3, 3, 2)
    assert thread.version == version + 2 and thread.last_poster_id == forum.member.id
    assert thread.last_posted_at == forum.clock.now and b.quote_post_id == a.id
    assert [new for _post, _thread, new in sent] == [True, False, False]


def test_locked_and_hidden_threads_take_no_replies(db, forum, sent):
    thread = ask(forum)
    thread.locked = True
    with pytest.raises(DomainError) as error:
        posting.reply(forum.instructor, thread, "no")
    assert (error.value.status, code(error)) == (403, "thread_locked")
    thread.locked, thread.hidden = False, True
    with pytest.raises(DomainError) as error:
        posting.reply(forum.member, thread, "no")
    assert (error.value.status, code(error)) == (403, "thread_hidden")
    db.session.flush()
    assert db.session.get(Thread, thread.id).highest_number == 1 and len(sent) == 1


def test_a_quote_must_be_a_shown_post_of_the_thread(db, forum):
    thread, elsewhere = ask(forum), ask(forum, title="Elsewhere")
    shown, _ = posting.reply(forum.other, thread, "shown")
    removed, _ = posting.reply(forum.other, thread, "removed")
    posting.delete_post(forum.other, removed, thread)
    hidden, _ = posting.reply(forum.other, thread, "hidden")
    hidden.hide(forum.instructor, "spam")
    other_post = db.session.scalar(select(Post).where(Post.thread_id == elsewhere.id))
    for bad in (removed.id, hidden.id, other_post.id, 999_999, "x", 2**40, -1):
        with pytest.raises(FieldError) as error:
            posting.reply(forum.member, thread, "quoting", quote_post_id=bad)
        assert error.value.field == "quote"
    post, _ = posting.reply(forum.member, thread, "quoting", quote_post_id=str(shown.id))
    assert post.quote_post_id == shown.id


# ---- edits ------------------------------------------------------------------------------------

def test_author_edits_within_the_window_and_history_is_kept(db, forum):
    thread = ask(forum, title="Old title", body="old text")
    first = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    version = thread.version
    forum.clock.advance(minutes=29)
    posting.edit_post(forum.member, first, thread, "new *text*", title="New title")
    posting.edit_post(forum.member, first, thread, "newer")
    db.session.commit()
    revisions = db.session.scalars(select(PostRevision).where(PostRevision.post_id == first.id)
                                   .order_by(PostRevision.number)).all()
    assert [(r.number, r.title, r.body) for r in revisions] == [(1, "Old title", "old text"),
                                                                (2, "New title", "new *text*")]
    assert (first.body, thread.title, first.edited_at) == ("newer", "New title", forum.clock.now)
    assert thread.version == version + 2 and first.excerpt == "newer"


def test_an_edit_that_changes_nothing_writes_nothing(db, forum):
    thread = ask(forum, body="same")
    first = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    posting.edit_post(forum.member, first, thread, "same")
    assert first.edited_at is None and db.session.scalar(select(PostRevision.id)) is None


def test_after_the_window_only_moderators_edit(db, forum):
    thread = ask(forum, body="text")
    first = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    forum.clock.advance(minutes=31)
    assert not posting.may_edit(forum.member, first, thread)
    with pytest.raises(DomainError) as error:
        posting.edit_post(forum.member, first, thread, "late")
    assert (error.value.status, code(error)) == (403, "edit_window_passed")
    with pytest.raises(DomainError) as error:
        posting.edit_post(forum.other, first, thread, "not mine")
    assert (error.value.status, code(error)) == (403, "forbidden")
    assert first.body == "text"
    posting.edit_post(forum.instructor, first, thread, "moderated")
    revision = db.session.scalar(select(PostRevision))
    assert first.body == "moderated" and revision.editor_id == forum.instructor.id


def test_a_moderators_edit_or_delete_of_someones_post_is_audited_the_authors_own_is_not(db, forum):
    thread = ask(forum, body="text")
    first = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    own, _ = posting.reply(forum.member, thread, "mine")
    posting.edit_post(forum.member, first, thread, "my fix")
    posting.delete_post(forum.member, own, thread)
    discussion = AuditEntry.action.startswith("discussion.")
    assert db.session.scalars(select(AuditEntry.action).where(discussion)).all() == []
    posting.edit_post(forum.instructor, first, thread, "moderated")
    other, _ = posting.reply(forum.other, thread, "off topic")
    posting.delete_post(forum.instructor, other, thread)
    rows = db.session.execute(select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.target_id)
                              .where(discussion).order_by(AuditEntry.id)).all()
    assert rows == [("discussion.post_edit", forum.instructor.id, first.id),
                    ("discussion.post_delete", forum.instructor.id, other.id)]


def test_title_only_on_post_one_and_deleted_posts_are_not_edited(db, forum):
    thread = ask(forum)
    post, _ = posting.reply(forum.member, thread, "r")
    with pytest.raises(FieldError) as error:
        posting.edit_post(forum.member, post, thread, "r2", title="T")
    assert error.value.field == "title"
    posting.delete_post(forum.member, post, thread)
    with pytest.raises(DomainError) as error:
        posting.edit_post(forum.instructor, post, thread, "back")
    assert (error.value.status, code(error)) == (409, "post_deleted")


def test_authors_do_not_edit_in_a_locked_thread_moderators_do(db, forum):
    thread = ask(forum)
    first = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    thread.locked = True
    assert not posting.may_edit(forum.member, first, thread) and posting.may_edit(forum.instructor, first, thread)


# ---- deletes ----------------------------------------------------------------------------------

def test_soft_delete_keeps_the_threads_shape(db, forum):
    thread = ask(forum)
    a, _ = posting.reply(forum.other, thread, "a")
    b, _ = posting.reply(forum.member, thread, "b")
    with pytest.raises(DomainError) as error:
        posting.delete_post(forum.member, a, thread)                 # not theirs
    assert code(error) == "forbidden" and a.deleted_at is None
    version = thread.version
    posting.delete_post(forum.other, a, thread)
    posting.delete_post(forum.other, a, thread)                      # again: nothing more
    db.session.commit()
    assert db.session.scalars(select(Post.number).where(Post.thread_id == thread.id)
                              .order_by(Post.number)).all() == [1, 2, 3]
    assert a.deleted_at is not None and a.deleted_by_id == forum.other.id and a.body == "a"
    assert (thread.replies_count, thread.highest_number, thread.version) == (1, 3, version + 1)
    posting.delete_post(forum.instructor, b, thread)
    assert thread.replies_count == 0
    c, _ = posting.reply(forum.member, thread, "c")
    assert c.number == 4                                             # numbers are never reused


def test_recount_counts_shown_replies(db, forum):
    thread = ask(forum)
    a, _ = posting.reply(forum.other, thread, "a")
    posting.reply(forum.other, thread, "b")
    a.hide(forum.instructor, "rude")
    posting.recount(thread)
    assert thread.replies_count == 1
    a.unhide()
    posting.recount(thread)
    assert thread.replies_count == 2


# ---- accepted answers -------------------------------------------------------------------------

def test_accepting_moves_the_mark_and_only_the_right_people_may(db, forum):
    thread = ask(forum, kind="question")
    first = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    a, _ = posting.reply(forum.other, thread, "a")
    b, _ = posting.reply(forum.instructor, thread, "b")
    with pytest.raises(DomainError) as error:
        posting.accept_post(forum.other, a, thread)                  # not the thread's author
    assert error.value.status == 403
    with pytest.raises(DomainError) as error:
        posting.accept_post(forum.member, first, thread)
    assert code(error) == "not_acceptable"
    posting.accept_post(forum.member, a, thread)
    posting.accept_post(forum.instructor, b, thread)                 # moderators too; the mark moves
    db.session.commit()
    assert db.session.scalars(select(Post.number).where(Post.thread_id == thread.id, Post.accepted)).all() == [3]
    posting.unaccept_post(forum.member, b, thread)
    db.session.commit()
    assert db.session.scalar(select(Post.id).where(Post.accepted)) is None
    posting.accept_post(forum.member, b, thread)
    posting.delete_post(forum.instructor, b, thread)                 # a removed answer is none
    assert not b.accepted


def test_only_questions_have_answers(db, forum):
    thread = ask(forum)
    a, _ = posting.reply(forum.other, thread, "a")
    with pytest.raises(DomainError) as error:
        posting.accept_post(forum.member, a, thread)
    assert code(error) == "not_a_question" and not a.accepted


def test_class_threads_are_moderated_by_the_class_staff_only(db, forum):
    thread, _ = posting.create_thread(forum.member, forum.klass, "Class", "text")
    first = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    forum.clock.advance(hours=1)
    assert posting.may_edit(forum.school_class.head, first, thread)
    assert not posting.may_edit(forum.other_class.head, first, thread)
    assert not posting.may_edit(forum.instructor, first, thread)       # a course moderator, not of this class


def test_touch_bumps_the_version(db, forum):
    thread = ask(forum)
    before = thread.version
    posting.touch(thread)
    db.session.commit()
    assert db.session.get(Thread, thread.id).version == before + 1


def test_the_window_is_thirty_minutes():
    assert posting.EDIT_WINDOW == timedelta(minutes=30)
