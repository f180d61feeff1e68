"""Classes: who creates, sees and manages them; the list and API; archived classes."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from learnhub.classes import services
from learnhub.classes.models import SchoolClass
from learnhub.core.audit import AuditEntry
from learnhub.extensions import db as _db
from tests.support.web import PASSWORD, api_login, csrf_from


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


# ---- draft courses are never assigned (issue 11, item 8) ------------------------------------

DRAFT_CONTENT = {
    "pub/course.md": "---\ntitle: Published course\nsummary: S\n---\nText.\n",
    "pub/01-a.md": "---\ntitle: A\n---\nA.\n",
    "drf/course.md": "---\ntitle: Secret draft course\nsummary: S\ndraft: true\n---\nText.\n",
    "drf/01-a.md": "---\ntitle: A\n---\nA.\n",
}


@pytest.fixture
def draft_app(make_app, write_content):
    from learnhub.courses.catalog import get_catalog
    from learnhub.courses.index import sync_all

    app = make_app(CONTENT_DIR=str(write_content(DRAFT_CONTENT)))
    with app.app_context():
        sync_all(_db.session, get_catalog().tree())
        _db.session.commit()
        yield app


def _user(role):
    from learnhub.auth import services as auth_services
    user = auth_services.create_user(f"u-{role}", PASSWORD, role)
    _db.session.commit()
    return user


def test_a_draft_course_is_refused_by_the_api_naming_the_field(draft_app):
    client = draft_app.test_client()
    headers = api_login(client, _user("admin"))  # admins see drafts, and still cannot assign one
    response = client.post("/api/v1/classes", headers=headers, json={
        "name": "N", "code": "X1", "starts_on": "2026-09-01", "ends_on": "2027-01-15",
        "courses": ["pub", "drf"]})
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid_field" and set(error["fields"]) == {"courses"}
    assert "drf" in error["fields"]["courses"]
    assert _db.session.scalar(select(func.count()).select_from(SchoolClass)) == 0
    with pytest.raises(services.FieldError):
        services.create_class(_user("staff"), "N", "X2", date(2026, 9, 1), date(2027, 1, 15),
                              course_slugs=["drf"])


def test_the_class_form_offers_no_draft_and_refuses_one(draft_app):
    client = draft_app.test_client()
    api_login(client, _user("admin"))
    page = client.get("/classes/new").get_data(as_text=True)
    assert "Published course" in page and "Secret draft course" not in page
    response = client.post("/classes/new", data={
        "csrf_token": csrf_from(client, "/classes/new"), "name": "N", "code": "X1",
        "starts_on": "2026-09-01", "ends_on": "2027-01-15", "status": "planned",
        "courses": ["drf"], "submit": "Save"})
    assert response.status_code == 200
    assert _db.session.scalar(select(func.count()).select_from(SchoolClass)) == 0


def test_a_course_assigned_before_it_became_a_draft_is_not_shown_to_the_class(draft_app):
    from learnhub.classes.models import ClassCourse, Membership
    from learnhub.courses.index import content_index

    session = _db.session
    head, member = _user("staff"), _user("member")
    school_class = services.create_class(head, "N", "X1", date(2026, 9, 1), date(2027, 1, 15),
                                         course_slugs=["pub"])
    session.add(ClassCourse(class_id=school_class.id, course_id=content_index().course("drf").id, position=1))
    session.add(Membership(class_id=school_class.id, user_id=member.id, role="member"))
    session.commit()
    client = draft_app.test_client()
    headers = api_login(client, member)
    assert "Secret draft course" not in client.get(f"/classes/{school_class.id}").get_data(as_text=True)
    body = client.get(f"/api/v1/classes/{school_class.id}", headers=headers).get_json()
    assert [c["slug"] for c in body["courses"]] == ["pub"]


def test_bad_class_input_names_the_field(client, make_user):
    headers = api_login(client, make_user(role="staff"))
    response = client.post("/api/v1/classes", headers=headers, json={
        "name": "N", "code": "bad code", "starts_on": "2026-09-01", "ends_on": "nope"})
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) in (["code"], ["ends_on"])


# ---- a staff account enrolled as a plain member (issue 11, item 21 c) --------------------------

def test_a_staff_account_enrolled_as_a_member_gets_403_on_the_class_staff_endpoints(client, make_class, make_user):
    """Class permissions come from the role in the class, never from the global role."""
    colleague, classmate = make_user("colleague", role="staff"), make_user("classmate")
    school_class = make_class(members=[colleague, classmate])
    headers = api_login(client, colleague)
    c = school_class.id
    assert client.get(f"/api/v1/classes/{c}").get_json()["role"] == "member"
    assert client.get(f"/classes/{c}").status_code == 200
    pages = [f"/classes/{c}/edit", f"/classes/{c}/roster", f"/classes/{c}/roster.csv",
             f"/classes/{c}/members/classmate", f"/classes/{c}/roster/import", f"/classes/{c}/roster/add",
             f"/classes/{c}/copy", f"/classes/{c}/sessions/new", f"/classes/{c}/progress"]
    for page in pages:
        assert client.get(page).status_code == 403, page
    token = csrf_from(client, "/account")
    for page in (f"/classes/{c}/edit", f"/classes/{c}/members/classmate", f"/classes/{c}/roster/add",
                 f"/classes/{c}/members/classmate/password", f"/classes/{c}/copy"):
        assert client.post(page, data={"csrf_token": token}).status_code == 403, page
    api = [("GET", f"/api/v1/classes/{c}/roster", None),
           ("GET", f"/api/v1/classes/{c}/progress", None),
           ("PATCH", f"/api/v1/classes/{c}/members/classmate", {"department": "x"}),
           ("POST", f"/api/v1/classes/{c}/members", {"display_name": "N", "username": "newbie"}),
           ("POST", f"/api/v1/classes/{c}/members/classmate/password", None),
           ("POST", f"/api/v1/classes/{c}/copy", {"name": "N", "code": "N1", "starts_on": "2027-03-01",
                                                   "ends_on": "2027-07-15"}),
           ("POST", f"/api/v1/classes/{c}/sessions", {"title": "T", "kind": "lecture",
                                                       "starts_at": "2026-11-24T19:00:00+08:00",
                                                       "ends_at": "2026-11-24T21:00:00+08:00"})]
    for method, path, body in api:
        response = client.open(path, method=method, json=body, headers=headers)
        assert response.status_code == 403, (method, path, response.get_json())


def test_the_class_form_labels_the_class_name_as_such(client, make_user):
    """Its own msgid (班级名称 in Chinese), not a person's "Name" (姓名)."""
    api_login(client, make_user(role="staff"))
    page = client.get("/classes/new").get_data(as_text=True)
    assert '<label for="name">Class name</label>' in page
