"""Reports: one per member and post, never one's own nor a removed or hidden post; the
thread's moderators are notified (kind "report"); the queue shows each moderator the open
reports of the threads they moderate; resolving closes a post's reports, hiding it or not."""
from __future__ import annotations

import pytest

from learnhub.core.audit import AuditEntry
from learnhub.core.errors import DomainError
from learnhub.core.notifications import Notification
from learnhub.core.types import utcnow
from learnhub.discussions.models import Post, PostReport, Thread
from learnhub.discussions.moderation import services
from tests.support.discussions import post_id


def notified(db, kind="report") -> set[int]:
    return {n.user_id for n in db.session.query(Notification).filter_by(kind=kind)}


def test_a_report_notifies_a_class_threads_staff_only(forum, db):
    post = db.session.get(Post, post_id(db, forum.class_thread, 2))
    response = forum.client(forum.author).api("POST", f"/api/v1/posts/{post.id}/report", {"reason": "Rude"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["reason"] == "Rude"
    assert notified(db) == {forum.head.id, forum.grader.id}
    note = db.session.query(Notification).filter_by(user_id=forum.head.id).one()
    assert note.url == f"/discussions/reports#reported-{post.id}" and note.params["number"] == 2


def test_a_report_notifies_a_course_threads_instructors_and_staff(forum, db):
    post = db.session.get(Post, post_id(db, forum.thread, 2))
    services.report_post(forum.author, post, forum.thread, "Wrong")
    db.session.commit()
    # Every active global instructor and staff account (not admins, members or inactive staff).
    assert notified(db) == {forum.head.id, forum.other_head.id, forum.grader.id, forum.instructor.id}


def test_one_report_per_member_and_post(forum, db):
    target = post_id(db, forum.thread, 2)
    author, other = forum.client(forum.author), forum.client(forum.outsider)
    assert author.api("POST", f"/api/v1/posts/{target}/report", {"reason": "Spam"}).status_code == 201
    again = author.api("POST", f"/api/v1/posts/{target}/report", {"reason": "Spam again"})
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "already_reported")
    assert other.api("POST", f"/api/v1/posts/{target}/report", {"reason": "Spam"}).status_code == 201
    assert db.session.query(PostReport).filter_by(post_id=target).count() == 2
    assert len(notified(db)) == 4 and db.session.query(Notification).count() == 8  # no notice for the 409


def test_the_service_maps_a_concurrent_duplicate_to_409(forum, db):
    """The unique constraint decides (a second request that passed every check first)."""
    post = db.session.get(Post, post_id(db, forum.thread, 2))
    db.session.add(PostReport(post_id=post.id, reporter_id=forum.author.id, reason="first"))
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        services.report_post(forum.author, post, forum.thread, "second")
    assert (refused.value.status, refused.value.code) == (409, "already_reported")
    db.session.commit()  # the savepoint kept the transaction usable
    assert db.session.query(PostReport).count() == 1


@pytest.mark.parametrize(("body", "status", "code"), [
    ({}, 422, "invalid_field"), ({"reason": ""}, 422, "invalid_field"), ({"reason": "  "}, 422, "invalid_field"),
    ({"reason": "x" * 501}, 422, "invalid_field"), ({"reason": 5}, 422, "invalid_field")])
def test_bad_reasons_are_refused(forum, db, body, status, code):
    target = post_id(db, forum.thread, 2)
    response = forum.client(forum.author).api("POST", f"/api/v1/posts/{target}/report", body)
    assert (response.status_code, response.get_json()["error"]["code"]) == (status, code)
    assert db.session.query(PostReport).count() == 0 and not notified(db)


def test_not_ones_own_post_nor_a_removed_or_hidden_one(forum, db):
    own = post_id(db, forum.thread, 1)
    client = forum.client(forum.author)
    response = client.api("POST", f"/api/v1/posts/{own}/report", {"reason": "Mine"})
    assert (response.status_code, response.get_json()["error"]["code"]) == (422, "own_post")
    post = db.session.get(Post, post_id(db, forum.thread, 2))
    post.deleted_at = utcnow()
    db.session.commit()
    response = client.api("POST", f"/api/v1/posts/{post.id}/report", {"reason": "Gone"})
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "post_deleted")
    third = db.session.get(Post, post_id(db, forum.thread, 3))
    services.set_post_hidden(forum.head, third, forum.thread, True, "Spam")
    db.session.commit()
    response = client.api("POST", f"/api/v1/posts/{third.id}/report", {"reason": "Hidden"})
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "post_hidden")
    # A class thread's post is not even there for a member of another class.
    outsider = forum.client(forum.outsider)
    response = outsider.api("POST", f"/api/v1/posts/{post_id(db, forum.class_thread, 2)}/report", {"reason": "x"})
    assert response.status_code == 404
    assert db.session.query(PostReport).count() == 0


def _report_all(forum, db):
    course_post = db.session.get(Post, post_id(db, forum.thread, 2))
    class_post = db.session.get(Post, post_id(db, forum.class_thread, 2))
    services.report_post(forum.author, course_post, forum.thread, "Off topic")
    services.report_post(forum.outsider, course_post, forum.thread, "Advert")
    services.report_post(forum.author, class_post, forum.class_thread, "Rude")
    db.session.commit()
    return course_post, class_post


def test_the_queue_lists_the_open_reports_of_the_threads_one_moderates(forum, db):
    course_post, class_post = _report_all(forum, db)

    def queue(user):
        response = forum.client(user).get("/api/v1/reports")
        if response.status_code == 403:
            return None
        assert response.status_code == 200
        return [(item["post_id"], item["reason"]) for item in response.get_json()["items"]]

    everything = [(course_post.id, "Off topic"), (course_post.id, "Advert"), (class_post.id, "Rude")]
    assert queue(forum.head) == everything
    assert queue(forum.admin) == everything
    assert queue(forum.grader) == everything  # a global instructor too
    assert queue(forum.other_head) == everything[:2]  # staff of another class: the course's only
    assert queue(forum.instructor) == everything[:2]
    assert queue(forum.author) is None and queue(forum.outsider) is None  # members: 403
    first = forum.client(forum.head).get("/api/v1/reports?limit=2").get_json()
    assert len(first["items"]) == 2 and first["next"]
    rest = forum.client(forum.head).get(f"/api/v1/reports?limit=2&cursor={first['next']}").get_json()
    assert [i["reason"] for i in rest["items"]] == ["Rude"] and rest["next"] is None
    assert forum.client(forum.head).get("/api/v1/reports?cursor=nope").status_code == 400


def test_resolving_by_hiding_closes_the_posts_reports_and_hides_it(forum, db):
    course_post, _class_post = _report_all(forum, db)
    report = db.session.query(PostReport).filter_by(post_id=course_post.id).order_by(PostReport.id).first()
    response = forum.client(forum.instructor).api("POST", f"/api/v1/reports/{report.id}/resolve",
                                                  {"resolution": "hidden"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["post"]["hidden"] and body["post"]["replies_count"] == 1 and len(body["reports"]) == 2
    db.session.expire_all()
    post = db.session.get(Post, course_post.id)
    assert post.hidden and post.hidden_reason == "Off topic; Advert"
    assert all(r.resolution == "hidden" and r.resolved_by_id == forum.instructor.id
               for r in db.session.query(PostReport).filter_by(post_id=post.id))
    entry = db.session.query(AuditEntry).filter_by(action="discussion.report_resolve").one()
    assert entry.data["resolution"] == "hidden" and sorted(entry.data["reports"]) == sorted(body["reports"])
    assert db.session.query(AuditEntry).filter_by(action="discussion.post_hide").count() == 1
    again = forum.client(forum.head).api("POST", f"/api/v1/reports/{report.id}/resolve", {"resolution": "dismissed"})
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "report_resolved")


def test_dismissing_leaves_the_post_and_only_moderators_resolve(forum, db):
    _course_post, class_post = _report_all(forum, db)
    report = db.session.query(PostReport).filter_by(post_id=class_post.id).one()
    version = db.session.get(Thread, forum.class_thread.id).version
    path = f"/api/v1/reports/{report.id}/resolve"
    assert forum.client(forum.author).api("POST", path, {"resolution": "dismissed"}).status_code == 403
    assert forum.client(forum.other_head).api("POST", path, {"resolution": "dismissed"}).status_code == 404
    assert forum.client(forum.head).api("POST", path, {"resolution": "maybe"}).status_code == 422
    assert forum.client(forum.head).api("POST", "/api/v1/reports/999999/resolve",
                                        {"resolution": "dismissed"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(PostReport, report.id).resolved_at is None
    assert forum.client(forum.head).api("POST", path, {"resolution": "dismissed"}).status_code == 200
    db.session.expire_all()
    assert db.session.get(PostReport, report.id).resolution == "dismissed"
    assert not db.session.get(Post, class_post.id).hidden
    assert db.session.get(Thread, forum.class_thread.id).version == version  # the thread did not change


def test_reports_newer_than_the_resolution_stay_open(forum, db):
    course_post, _ = _report_all(forum, db)
    report = db.session.query(PostReport).filter_by(post_id=course_post.id).first()
    services.resolve_report(forum.head, report, course_post, forum.thread, "dismissed")
    db.session.commit()
    services.report_post(forum.outsider, db.session.get(Post, post_id(db, forum.thread, 3)), forum.thread, "Later")
    db.session.commit()
    assert services.open_reports_count(forum.head) == 2  # the class post's and the new one
