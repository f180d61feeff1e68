"""A reply to a thread with many followers: batched INSERTs, not one per follower."""
from __future__ import annotations

from sqlalchemy import func, insert, select

from learnhub.auth.models import User
from learnhub.core.notifications import Notification
from learnhub.discussions.models import ThreadUser
from learnhub.discussions.subscriptions.services import FANOUT_BATCH


def add_followers(db, thread, count: int, start: int) -> None:
    """`count` active admins following `thread` (admins read every class thread), two INSERTs."""
    users = [{"username": f"f{start + i}", "display_name": f"F {i}", "password_hash": "x", "role": "admin",
              "active": True} for i in range(count)]
    ids = list(db.session.scalars(insert(User).returning(User.id), users))
    db.session.execute(insert(ThreadUser), [{"user_id": uid, "thread_id": thread.id, "following": True,
                                             "last_read_number": 0} for uid in ids])
    db.session.commit()


def notification_inserts(statements) -> int:
    return sum(1 for s in statements if s.lstrip().upper().startswith("INSERT INTO NOTIFICATIONS"))


def test_1500_followers_cost_two_inserts_and_the_same_statements_as_ten(forum, db, count_queries):
    small, large = forum.new_thread(forum.alice, title="Small"), forum.new_thread(forum.alice, title="Large")
    add_followers(db, small, 10, 0)
    add_followers(db, large, 1500, 100)
    forum.say(forum.bob, small)  # the first reply's one-time work (statement caches) done
    forum.say(forum.bob, large)

    with count_queries() as few:
        forum.say(forum.carol, small)
    with count_queries() as many:
        post = forum.say(forum.carol, large)

    assert notification_inserts(few) == 1
    assert notification_inserts(many) == -(-1502 // FANOUT_BATCH) == 2  # 1,500, alice and bob: not carol
    assert len(many) - len(few) == 1, [s[:80] for s in many]
    received = db.session.scalar(select(func.count(Notification.user_id.distinct())).where(
        Notification.url == f"/posts/{post.id}", Notification.kind == "reply"))
    assert received == 1502  # 1,500 followers, alice and bob (who follows since replying)
