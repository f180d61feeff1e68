"""Unread tracking (Discourse's last read number against the thread's highest): never opened,
partly read, read; a new reply unreads; mark all read; one member's reading is theirs only;
the unread list of the home page and the unanswered count."""
from __future__ import annotations

from sqlalchemy import select

from learnhub.core.signals import post_created
from learnhub.discussions.models import Post, Thread, ThreadUser
from learnhub.discussions.places import Place
from learnhub.discussions.queries import thread_list
from learnhub.discussions.reading import services
from tests.support.discussions import seed_posts, seed_thread


def row_of(user, place, thread):
    return next(r for r in thread_list(user, place).items if r.id == thread.id)


def recorded(db, user, thread):
    return db.session.get(ThreadUser, (user.id, thread.id))


def test_never_opened_partly_read_read_and_a_new_reply(world, db):
    place = Place(class_id=world.class_a.id)
    thread = seed_thread(world.ann, class_id=world.class_a.id)
    seed_posts(thread, [world.ann], 4)  # posts 1..5
    db.session.commit()
    assert row_of(world.bob, place, thread).unread and row_of(world.bob, place, thread).last_read_number is None

    services.mark_read(world.bob, thread, 3)
    db.session.commit()
    row = row_of(world.bob, place, thread)
    assert row.unread and row.new_posts == 2

    services.mark_read(world.bob, thread, 5)
    db.session.commit()
    assert not row_of(world.bob, place, thread).unread
    assert recorded(db, world.bob, thread).last_visited_at is not None

    seed_posts(thread, [world.ann], 1)
    db.session.commit()
    row = row_of(world.bob, place, thread)
    assert row.unread and row.new_posts == 1


def test_mark_read_never_lowers_and_clamps(world, db):
    thread = seed_thread(world.ann, class_id=world.class_a.id)
    seed_posts(thread, [world.ann], 4)
    db.session.commit()
    services.mark_read(world.bob, thread, 4)
    services.mark_read(world.bob, thread, 2)  # an older tab
    db.session.commit()
    db.session.expire_all()
    assert recorded(db, world.bob, thread).last_read_number == 4
    services.mark_read(world.bob, thread, 999)  # past the end: the last post
    services.mark_read(world.carl, thread, -3)
    db.session.commit()
    db.session.expire_all()
    assert recorded(db, world.bob, thread).last_read_number == 5
    assert recorded(db, world.carl, thread).last_read_number == 0


def test_mark_read_keeps_following(world, db):
    thread = seed_thread(world.ann, class_id=world.class_a.id)
    db.session.add(ThreadUser(user_id=world.bob.id, thread_id=thread.id, following=False))
    db.session.commit()
    services.mark_read(world.bob, thread, 1)
    db.session.commit()
    db.session.expire_all()
    row = recorded(db, world.bob, thread)
    assert (row.following, row.last_read_number) == (False, 1)


def test_another_members_reading_is_not_mine(world, db):
    place = Place(class_id=world.class_a.id)
    thread = seed_thread(world.ann, class_id=world.class_a.id)
    seed_posts(thread, [world.ann], 2)
    db.session.commit()
    services.mark_read(world.bob, thread, 3)
    services.mark_all_read(world.bob, place)
    db.session.commit()
    assert not row_of(world.bob, place, thread).unread
    assert row_of(world.ann, place, thread).unread
    assert recorded(db, world.ann, thread) is None


def test_mark_all_read_is_one_statement_for_the_place_only(world, db, count_queries):
    place = Place(class_id=world.class_a.id)
    threads = [seed_thread(world.ann, class_id=world.class_a.id, title=f"T{i}") for i in range(3)]
    seed_posts(threads[0], [world.ann], 3)
    other_class = seed_thread(world.carl, class_id=world.class_b.id)
    course = seed_thread(world.ann, course_id=world.course_id, unit_id=world.first_id)
    services.mark_read(world.bob, threads[1], 1)  # already read: not counted again
    db.session.commit()
    assert world.bob.id  # loaded before counting (the commit expired it)
    with count_queries() as statements:
        marked = services.mark_all_read(world.bob, place)
    db.session.commit()
    assert len(statements) == 1 and marked == 2
    assert not any(row_of(world.bob, place, t).unread for t in threads)
    assert recorded(db, world.bob, other_class) is None and recorded(db, world.bob, course) is None
    assert services.mark_all_read(world.bob, place) == 0  # nothing left unread


def test_mark_all_read_of_a_unit_or_a_course(world, db):
    on_first = seed_thread(world.ann, course_id=world.course_id, unit_id=world.first_id)
    on_second = seed_thread(world.ann, course_id=world.course_id, unit_id=world.second_id)
    on_course = seed_thread(world.ann, course_id=world.course_id)
    db.session.commit()
    assert services.mark_all_read(world.bob, Place(course_id=world.course_id, unit_id=world.first_id)) == 1
    db.session.commit()
    assert recorded(db, world.bob, on_first) is not None and recorded(db, world.bob, on_second) is None
    assert services.mark_all_read(world.bob, Place(course_id=world.course_id)) == 2
    db.session.commit()
    assert recorded(db, world.bob, on_course).last_read_number == 1


def test_the_authors_own_post_is_read(app, world, db):
    thread = seed_thread(world.ann, class_id=world.class_a.id)
    seed_posts(thread, [world.bob], 1)
    db.session.commit()
    post = db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.number == 2))
    post_created.send(app, post=post, thread=thread, new_thread=False)
    db.session.commit()
    assert recorded(db, world.bob, thread).last_read_number == 2


def test_unread_threads_followed_or_posted_in(world, db):
    followed = seed_thread(world.ann, class_id=world.class_a.id, title="Followed")
    posted = seed_thread(world.ann, class_id=world.class_a.id, title="Posted in")
    unfollowed = seed_thread(world.ann, class_id=world.class_a.id, title="Unfollowed")
    merely_read = seed_thread(world.ann, class_id=world.class_a.id, title="Merely read")
    seed_posts(posted, [world.bob], 1)
    seed_posts(unfollowed, [world.bob], 1)
    for thread, following in ((followed, True), (posted, None), (unfollowed, False), (merely_read, None)):
        db.session.add(ThreadUser(user_id=world.bob.id, thread_id=thread.id, following=following,
                                  last_read_number=thread.highest_number))
    db.session.commit()
    assert services.unread_threads(world.bob) == []  # nothing after what bob read
    for thread in (followed, posted, unfollowed, merely_read):
        seed_posts(thread, [world.ann], 2)
    db.session.commit()
    found = services.unread_threads(world.bob)
    assert {t.title for t in found} == {"Followed", "Posted in"}
    assert {t.title: t.new_posts for t in found} == {"Followed": 2, "Posted in": 2}
    services.mark_read(world.bob, followed, 99)
    db.session.commit()
    assert [t.title for t in services.unread_threads(world.bob)] == ["Posted in"]


def test_unread_threads_leave_out_hidden_threads_and_threads_no_longer_readable(world, db):
    kept = seed_thread(world.ann, class_id=world.class_a.id, title="Kept")
    hidden = seed_thread(world.ann, class_id=world.class_a.id, title="Hidden")
    elsewhere = seed_thread(world.carl, class_id=world.class_b.id, title="Class B")
    for thread in (kept, hidden, elsewhere):
        db.session.add(ThreadUser(user_id=world.bob.id, thread_id=thread.id, following=True, last_read_number=0))
    hidden.hidden = True
    db.session.commit()
    assert [t.title for t in services.unread_threads(world.bob)] == ["Kept"]  # not in class B


def test_unanswered_count(world, db):
    place = Place(class_id=world.class_a.id)
    seed_thread(world.ann, class_id=world.class_a.id, kind="question")
    answered = seed_thread(world.ann, class_id=world.class_a.id, kind="question")
    seed_posts(answered, [world.head], 1)
    seed_thread(world.ann, class_id=world.class_a.id, kind="discussion")
    locked = seed_thread(world.ann, class_id=world.class_a.id, kind="question")
    locked.locked = True
    hidden = seed_thread(world.ann, class_id=world.class_a.id, kind="question")
    hidden.hidden = True
    seed_thread(world.carl, class_id=world.class_b.id, kind="question")
    db.session.commit()
    assert services.unanswered_count(place) == 1
    # a reply that is no longer shown does not answer it
    db.session.get(Thread, answered.id).replies_count = 0
    db.session.commit()
    assert services.unanswered_count(place) == 2
