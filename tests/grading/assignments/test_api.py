"""The assignments API: create (head teacher only), drafts autosaved, submit, the staff's list,
grading with its version; bad bodies are a clear 4xx that changes nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest

from learnhub.extensions import db
from learnhub.grading.assignments.models import Assignment, Submission
from tests.support.grading_assignments import BODY, audits, count, make_assignment, notifications_of, submit
from tests.support.web import api_client

NEW = {"title": "心得体会", "instructions": "写**心得**", "kind": "reflection",
       "due_at": "2026-12-01T18:00:00+08:00", "max_points": 10, "min_length": 5}


def test_create_and_list(app, school):
    head = api_client(app, school.head)
    created = head.api("POST", f"/api/v1/classes/{school.school_class.id}/assignments", NEW)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["due_at"] == "2026-12-01T10:00:00Z" and body["max_points"] == 10
    member = api_client(app, school.members[0])
    [item] = member.api("GET", f"/api/v1/classes/{school.school_class.id}/assignments").get_json()["items"]
    assert (item["id"], item["state"]) == (body["id"], "not_started")
    one = member.api("GET", f"/api/v1/assignments/{body['id']}").get_json()
    assert one["submission"] is None and "<strong>心得</strong>" in one["instructions_html"]


@pytest.mark.parametrize("who", ["grader", "member"])
def test_only_the_head_teacher_creates(app, school, who):
    user = school.grader if who == "grader" else school.members[0]
    response = api_client(app, user).api("POST", f"/api/v1/classes/{school.school_class.id}/assignments", NEW)
    assert response.status_code == 403
    assert count(Assignment) == 0


@pytest.mark.parametrize("change", [{"kind": "essay"}, {"max_points": 0}, {"max_points": "10"},
                                    {"due_at": "2026-12-01T18:00"}, {"title": ""}, {"title": "t" * 201},
                                    {"min_length": -1}, {"instructions": "x" * 20_001}])
def test_bad_assignment_body_is_422(app, school, change):
    response = api_client(app, school.head).api(
        "POST", f"/api/v1/classes/{school.school_class.id}/assignments", {**NEW, **change})
    assert response.status_code == 422 and response.get_json()["error"]["fields"]
    assert count(Assignment) == 0


def test_draft_autosave_then_submit(app, school, clock):
    assignment = make_assignment(school, clock, min_length=10)
    member = api_client(app, school.members[0])
    path = f"/api/v1/assignments/{assignment.id}/submission"
    first = member.api("PUT", path, {"body": "草稿一", "submit": False})
    assert first.status_code == 200 and first.get_json()["state"] == "draft"
    assert member.api("PUT", path, {"body": "草稿 二", "submit": False}).get_json()["length"] == 3
    assert member.api("GET", f"/api/v1/assignments/{assignment.id}").get_json()["submission"]["body"] == "草稿 二"
    short = member.api("PUT", path, {"body": "太短", "submit": True})
    assert short.status_code == 422 and short.get_json()["error"]["code"] == "too_short"
    assert db.session.scalar(db.select(Submission)).state == "draft"
    done = member.api("PUT", path, {"body": BODY, "submit": True})
    assert done.status_code == 200 and done.get_json()["state"] == "submitted" and not done.get_json()["late"]
    assert member.api("PUT", path, {"body": "x", "submit": False}).status_code == 409


def test_body_limits(app, school, clock):
    assignment = make_assignment(school, clock)
    member = api_client(app, school.members[0])
    path = f"/api/v1/assignments/{assignment.id}/submission"
    assert member.api("PUT", path, {"body": "字" * 20_001}).status_code == 422
    assert member.api("PUT", path, {"body": ">" * 200 + " deep"}).status_code == 422   # over the renderer's nesting
    assert member.api("PUT", path, {"body": 5}).status_code == 422
    assert member.api("PUT", path, {"body": "ok", "submit": "yes"}).status_code == 422
    assert count(Submission) == 0
    assert member.api("PUT", path, {"body": "字" * 20_000}).status_code == 200


def test_late_submission_through_the_api(app, school, clock):
    assignment = make_assignment(school, clock, due_at=clock.now + timedelta(minutes=5))
    clock.advance(minutes=6)
    response = api_client(app, school.members[0]).api(
        "PUT", f"/api/v1/assignments/{assignment.id}/submission", {"body": BODY, "submit": True})
    assert response.get_json()["late"] is True


def test_staff_list_and_grade_with_version(app, school, clock):
    assignment = make_assignment(school, clock)
    submission = submit(school, assignment)
    grader, head = api_client(app, school.grader), api_client(app, school.head)
    items = grader.api("GET", f"/api/v1/assignments/{assignment.id}/submissions").get_json()["items"]
    mine = next(i for i in items if i["username"] == school.members[0].username)
    other = next(i for i in items if i["username"] == school.members[1].username)
    assert (mine["state"], mine["id"], other["state"], other["id"]) == ("submitted", submission.id, "not_started", None)
    path = f"/api/v1/submissions/{submission.id}/grade"
    graded = grader.api("PUT", path, {"points": 9.5, "comment": "好", "version": mine["version"]})
    assert graded.status_code == 200 and graded.get_json() == {"version": mine["version"] + 1}
    stale = head.api("PUT", path, {"points": 1, "version": mine["version"]})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_version"
    over = head.api("PUT", path, {"points": 101, "version": mine["version"] + 1})
    assert over.status_code == 422 and over.get_json()["error"]["code"] == "invalid_points"
    db.session.refresh(submission)
    assert submission.points == 9.5 and len(audits("grade.change")) == 1
    assert len(notifications_of(school.members[0])) == 1
    member_view = api_client(app, school.members[0]).api("GET", f"/api/v1/assignments/{assignment.id}").get_json()
    assert member_view["submission"]["points"] == 9.5 and member_view["submission"]["comment_html"] == "<p>好</p>"


def test_members_and_outsiders_may_not_grade(app, school, clock, make_user, make_class):
    assignment = make_assignment(school, clock)
    submission = submit(school, assignment)
    stranger = make_user("stranger")
    make_class(members=[stranger])
    path = f"/api/v1/submissions/{submission.id}/grade"
    body = {"points": 100, "version": submission.version}
    assert api_client(app, school.members[1]).api("PUT", path, body).status_code == 403
    assert api_client(app, stranger).api("PUT", path, body).status_code == 404
    assert api_client(app, stranger).api("GET", f"/api/v1/assignments/{assignment.id}").status_code == 404
    assert api_client(app, school.members[1]).api(
        "GET", f"/api/v1/assignments/{assignment.id}/submissions").status_code == 403
    assert db.session.get(Submission, submission.id).state == "submitted"


def test_an_archived_class_takes_no_text_and_no_grade(app, school, clock):
    assignment = make_assignment(school, clock)
    submission = submit(school, assignment)
    school.school_class.status = "archived"
    db.session.commit()
    saved = api_client(app, school.members[1]).api(
        "PUT", f"/api/v1/assignments/{assignment.id}/submission", {"body": BODY, "submit": True})
    assert saved.status_code == 409 and saved.get_json()["error"]["code"] == "class_archived"
    graded = api_client(app, school.grader).api(
        "PUT", f"/api/v1/submissions/{submission.id}/grade", {"points": 1, "version": submission.version})
    assert graded.status_code == 409
    assert count(Submission) == 1 and db.session.get(Submission, submission.id).state == "submitted"
