"""Posting an announcement notifies the class's members, in the same transaction."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from learnhub.auth import services as auth_services
from learnhub.classes.announcements.services import post_announcement
from learnhub.core.notifications import Notification, unread_count as unread


def notified(db):
    return {(n.user_id, n.kind, n.url) for n in db.session.scalars(select(Notification))}


def test_members_are_notified_staff_and_other_classes_not(app, db, make_user, make_class):
    members = [make_user(f"m{i}") for i in range(3)]
    grader, outsider = make_user("grader", role="instructor"), make_user("outsider")
    school_class = make_class(members=members, graders=[grader], name="一期培训班")
    make_class(members=[outsider])
    announcement = post_announcement(school_class.head, school_class, "Lecture moved", "Friday")
    db.session.commit()
    url = f"/announcements/{announcement.id}"
    assert notified(db) == {(m.id, "announcement", url) for m in members}
    assert unread(school_class.head) == unread(grader) == unread(outsider) == 0
    row = db.session.scalar(select(Notification).where(Notification.user_id == members[0].id))
    assert row.params == {"class_name": "一期培训班", "title": "Lecture moved"}
    with app.test_request_context():
        assert row.render() == "New announcement in 一期培训班: Lecture moved"


def test_a_refused_post_notifies_nobody(app, db, make_user, make_class):
    from learnhub.core.errors import DomainError
    member = make_user("m1")
    school_class = make_class(members=[member])
    with pytest.raises(DomainError):
        post_announcement(school_class.head, school_class, "", "")
    db.session.rollback()
    assert notified(db) == set()


def bearer(db, user) -> dict:
    token, _record = auth_services.issue_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_posting_through_the_api_notifies_and_the_link_opens_the_announcement(app, db, make_user, make_class):
    member = make_user("m1")
    school_class = make_class(members=[member])
    client = app.test_client()
    response = client.post(f"/api/v1/classes/{school_class.id}/announcements",
                           json={"title": "Via API", "body": "x"}, headers=bearer(db, school_class.head))
    assert response.status_code == 201
    db.session.expire_all()
    assert unread(member) == 1
    items = client.get("/api/v1/notifications", headers=bearer(db, member)).get_json()["items"]
    assert items[0]["url"] == f"/announcements/{response.get_json()['id']}"
    assert items[0]["text"] == "New announcement in Activists 2026: Via API"
