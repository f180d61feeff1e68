"""Classes: who creates, sees and manages them; the list and API; archived classes."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from learnhub.classes import services
from learnhub.classes.models import SchoolClass
from learnhub.core.audit import AuditEntry

from .conftest import PASSWORD, csrf_from, login


def api_login(client, user):
    assert login(client, user.username).status_code == 302
    return {"X-CSRFToken": csrf_from(client, "/account")}


def test_staff_create_a_class_and_become_its_head_teacher(client, make_user, db):
    staff = make_user(role="staff")
    headers = api_login(client, staff)
    response = client.post("/api/v1/classes", headers=headers, json={
        "name": "2026 秋季入党积极分子培训班", "code": "2026F-ACT", "starts_on": "2026-09-01",
        "ends_on": "2027-01-15", "courses": ["party-building-online"]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["role"] == "head_teacher" and body["url"] == f"/classes/{body['id']}"
    assert [c["slug"] for c in body["courses"]] == ["party-building-online"]
    assert body["staff"] == [{"username": staff.username, "display_name": staff.display_name,
                              "role": "head_teacher"}]
    again = client.post("/api/v1/classes", headers=headers, json={
        "name": "Copy", "code": "2026F-ACT", "starts_on": "2026-09-01", "ends_on": "2027-01-15"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "duplicate_code"
    assert db.session.scalar(select(func.count()).select_from(SchoolClass)) == 1
    assert db.session.scalar(select(AuditEntry.action)) == "class.create"


@pytest.mark.parametrize("body, field", [
    ({"name": "", "code": "X1", "starts_on": "2026-09-01", "ends_on": "2027-01-15"}, "name"),
    ({"name": "N", "code": "bad code", "starts_on": "2026-09-01", "ends_on": "2027-01-15"}, "code"),
    ({"name": "N", "code": "X1", "starts_on": "2026-13-01", "ends_on": "2027-01-15"}, "starts_on"),
    ({"name": "N", "code": "X1", "starts_on": "2027-09-01", "ends_on": "2027-01-15"}, "ends_on"),
    ({"name": "N", "code": "X1", "starts_on": "2026-09-01", "ends_on": "2027-01-15", "courses": ["nope"]}, "courses"),
    ({"name": "N", "code": "X1", "starts_on": "2026-09-01", "ends_on": "2027-01-15", "courses": "x"}, "courses"),
])
def test_bad_class_input_is_422_and_writes_nothing(client, make_user, db, body, field):
    headers = api_login(client, make_user(role="staff"))
    response = client.post("/api/v1/classes", headers=headers, json=body)
    assert response.status_code == 422, (field, response.get_json())
    assert db.session.scalar(select(func.count()).select_from(SchoolClass)) == 0


@pytest.mark.parametrize("role", ["member", "instructor"])
def test_members_and_instructors_cannot_create_classes(client, make_user, role):
    headers = api_login(client, make_user(role=role))
    response = client.post("/api/v1/classes", headers=headers, json={
        "name": "N", "code": "X1", "starts_on": "2026-09-01", "ends_on": "2027-01-15"})
    assert response.status_code == 403
    assert client.get("/classes/new").status_code == 403


def test_each_sees_only_their_classes(make_app, client, make_user, make_class):
    member, outsider, grader_a = make_user(), make_user(), make_user(role="staff")
    a = make_class(members=[member], graders=[grader_a])
    b = make_class()
    admin = make_user(role="admin")

    def listed(user):
        fresh = client.application.test_client()
        api_login(fresh, user)
        return {item["code"]: item["role"] for item in fresh.get("/api/v1/classes").get_json()["items"]}

    assert listed(member) == {a.code: "member"}
    assert listed(grader_a) == {a.code: "grader"}
    assert listed(outsider) == {}
    assert listed(a.head) == {a.code: "head_teacher"}
    assert listed(admin) == {a.code: "admin", b.code: "admin"}
    # A class one has no part in is a 404, page and API alike.
    fresh = client.application.test_client()
    api_login(fresh, grader_a)
    assert fresh.get(f"/api/v1/classes/{b.id}").status_code == 404
    assert fresh.get(f"/classes/{b.id}").status_code == 404
    assert fresh.get(f"/classes/{a.id}").status_code == 200
    assert fresh.get(f"/classes/{a.id}/edit").status_code == 403  # graders do not run the class


def test_head_teacher_edits_and_archives_then_it_is_read_only(client, make_class, make_user, db):
    school_class = make_class()
    api_login(client, school_class.head)
    page = f"/classes/{school_class.id}/edit"
    token = csrf_from(client, page)
    form = {"csrf_token": token, "name": "Renamed", "code": school_class.code, "starts_on": "2026-09-01",
            "ends_on": "2027-01-15", "status": "archived", "description": "**Welcome**",
            "courses": ["party-building-online"], "submit": "Save"}
    assert client.post(page, data=form).status_code == 302
    db.session.expire_all()
    assert (school_class.name, school_class.status) == ("Renamed", "archived")
    assert "<strong>Welcome</strong>" in client.get(f"/classes/{school_class.id}").get_data(as_text=True)
    changed = client.post(page, data={**form, "name": "Again"})
    assert changed.status_code == 200 and "archived" in changed.get_data(as_text=True)
    db.session.expire_all()
    assert school_class.name == "Renamed"
    with pytest.raises(services.ClassArchived):
        services.ensure_writable(school_class)


def test_class_list_queries_do_not_grow_with_members(client, make_class, make_user, count_queries, db):
    head = make_user(role="staff")
    small = make_class(head=head, members=[make_user() for _ in range(2)])
    api_login(client, head)
    client.get("/classes")
    with count_queries() as few:
        assert client.get("/classes").status_code == 200
    for _ in range(3):
        make_class(head=head, members=[make_user() for _ in range(15)])
    with count_queries() as many:
        page = client.get("/classes").get_data(as_text=True)
    assert small.code in page
    assert len(many) == len(few), (few, many)
