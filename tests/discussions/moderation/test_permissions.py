"""Only a thread's moderators moderate: a course thread's global instructors and staff (and
admins), a class thread's head teacher and graders (and admins). Everyone else is refused,
and a refusal changes nothing."""
from __future__ import annotations

import pytest

from learnhub.core.audit import AuditEntry
from learnhub.discussions.models import Post, Thread
from tests.support.discussions import post_id

# (who, which thread, status of PATCH pinned=true)
CASES = [
    ("author", "thread", 403), ("replier", "thread", 403), ("outsider", "thread", 403),
    ("instructor", "thread", 200), ("head", "thread", 200), ("other_head", "thread", 200),
    ("admin", "thread", 200),
    ("author", "class_thread", 403), ("replier", "class_thread", 403), ("outsider", "class_thread", 404),
    ("instructor", "class_thread", 404), ("other_head", "class_thread", 404),
    ("head", "class_thread", 200), ("grader", "class_thread", 200), ("admin", "class_thread", 200),
]


@pytest.mark.parametrize(("who", "which", "status"), CASES)
def test_who_may_pin_a_thread(forum, db, who, which, status):
    thread = getattr(forum, which)
    version = thread.version
    response = forum.client(getattr(forum, who)).api("PATCH", f"/api/v1/threads/{thread.id}", {"pinned": True})
    assert response.status_code == status, response.get_json()
    db.session.expire_all()
    thread = db.session.get(Thread, thread.id)
    assert thread.pinned is (status == 200)
    assert (thread.version > version) is (status == 200)
    audited = db.session.query(AuditEntry).filter_by(action="discussion.pin", target_id=thread.id).count()
    assert audited == (1 if status == 200 else 0)


@pytest.mark.parametrize(("who", "which", "status"), CASES)
def test_who_may_hide_a_post(forum, db, who, which, status):
    thread = getattr(forum, which)
    target = post_id(db, thread, 2)
    response = forum.client(getattr(forum, who)).api("POST", f"/api/v1/posts/{target}/hide", {"reason": "Spam"})
    assert response.status_code == status, response.get_json()
    db.session.expire_all()
    assert db.session.get(Post, target).hidden is (status == 200)


def test_member_pages_are_refused(forum, db):
    """The page forms: a member gets 403 for each action, and nothing changes."""
    client = forum.client(forum.author)
    thread, reply = forum.thread, post_id(db, forum.thread, 2)
    for path, data in [(f"/threads/{thread.id}/pin", {}), (f"/threads/{thread.id}/lock", {}),
                       (f"/threads/{thread.id}/hide", {"reason": "x"}), (f"/threads/{thread.id}/move", {"unit": ""}),
                       (f"/posts/{reply}/hide", {"reason": "x"}), (f"/posts/{reply}/unhide", {})]:
        response = client.post(path, data={**data, "csrf_token": client.csrf})
        assert response.status_code == 403, path
    assert client.get("/discussions/reports").status_code == 403  # no queue: they moderate nothing
    db.session.expire_all()
    row = db.session.get(Thread, thread.id)
    assert (row.pinned, row.locked, row.hidden, row.unit_id) == (False, False, False, forum.unit_id)
    assert db.session.query(AuditEntry).filter(AuditEntry.action.like("discussion.%")).count() == 0
