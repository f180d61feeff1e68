"""One member at a time (issue 11, item 15): add a person without a file, reset a member's
password, copy a class for the next term; who may and who may not, pages and API."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from learnhub.auth import services as accounts
from learnhub.auth.models import User
from learnhub.classes import services
from learnhub.classes.attendance.models import AttendanceRecord, ClassSession
from learnhub.classes.attendance.sessions import create_session
from learnhub.classes.exams.models import ClassExam
from learnhub.classes.exams.services import schedule_exam
from learnhub.classes.models import ClassUnitRule, Membership, SchoolClass
from learnhub.classes.roster.models import StageChange
from learnhub.core.audit import AuditEntry
from tests.support.web import PASSWORD, api_login, csrf_from, login


def membership(db, school_class, user):
    db.session.expire_all()
    return db.session.scalar(select(Membership).where(Membership.class_id == school_class.id,
                                                      Membership.user_id == user.id))


# ---- add one member ------------------------------------------------------------------------------

def test_a_new_person_gets_an_account_with_a_one_time_password(client, make_class, db, app):
    school_class = make_class()
    headers = api_login(client, school_class.head)
    response = client.post(f"/api/v1/classes/{school_class.id}/members", headers=headers, json={
        "display_name": "王小明", "student_no": "2026001", "department": "第一党支部",
        "stage": "activist", "phone": "13800000000"})
    assert response.status_code == 201, response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["username"] == "2026001"  # no username: the student number, as the import does
    password = body["password"]
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", password) and not set(password) & set("l1io0")
    user = accounts.get_user_by_username("2026001")
    assert user.must_change_password and user.role == "member" and user.display_name == "王小明"
    record = membership(db, school_class, user)
    assert (record.role, record.stage, record.student_no, record.department) == \
        ("member", "activist", "2026001", "第一党支部")
    assert db.session.scalar(select(StageChange.to_stage).where(StageChange.membership_id == record.id)) == "activist"
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "class.member_add")) is not None
    # The member logs in with it, and must change it first.
    fresh = app.test_client()
    assert login(fresh, "2026001", password).status_code == 302
    assert accounts.authenticate("2026001", password) is not None


def test_an_existing_account_is_enrolled_and_keeps_its_password(client, make_class, make_user, db):
    known = make_user("known")
    school_class = make_class()
    headers = api_login(client, school_class.head)
    url = f"/api/v1/classes/{school_class.id}/members"
    response = client.post(url, headers=headers, json={"display_name": "Known", "username": "KNOWN"})
    assert response.status_code == 201 and response.get_json() == {"username": "known", "password": None}
    assert accounts.authenticate("known", PASSWORD) is not None
    assert membership(db, school_class, known).role == "member"
    again = client.post(url, headers=headers, json={"display_name": "Known", "username": "known"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_enrolled"


@pytest.mark.parametrize("body, fields", [
    ({}, {"display_name", "username"}),
    ({"display_name": "x" * 121, "username": "ok-name"}, {"display_name"}),
    ({"display_name": "N", "username": "bad name"}, {"username"}),
    ({"display_name": "N", "student_no": "学号 1"}, {"username"}),
    ({"display_name": "N", "username": "n1", "stage": "leader", "email": "x@", "role": "head_teacher"},
     {"stage", "email", "role"}),
    ({"display_name": "N", "username": "n1", "nickname": "x"}, {"nickname"}),
    ({"display_name": 5, "username": "n1"}, {"display_name"}),
    ({"display_name": "N", "username": "n1", "role": "grader"}, {"role"}),  # a new account: member only
])
def test_bad_members_are_422_naming_every_field_and_write_nothing(client, make_class, db, body, fields):
    school_class = make_class()
    headers = api_login(client, school_class.head)
    users = db.session.scalar(select(func.count()).select_from(User))
    response = client.post(f"/api/v1/classes/{school_class.id}/members", headers=headers, json=body)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid_field" and set(error["fields"]) == fields, error
    assert db.session.scalar(select(func.count()).select_from(User)) == users
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 1  # the head teacher


def test_a_taken_student_number_is_409_and_blank_numbers_never_collide(client, make_class, make_user, db):
    holder = make_user("holder")
    school_class = make_class(members=[holder])
    membership(db, school_class, holder).student_no = "2026001"
    db.session.commit()
    headers = api_login(client, school_class.head)
    url = f"/api/v1/classes/{school_class.id}/members"
    taken = client.post(url, headers=headers, json={"display_name": "N", "username": "n1", "student_no": "2026001"})
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "duplicate_student_no"
    assert accounts.get_user_by_username("n1") is None
    for name in ("n2", "n3"):  # no number (or a blank one) is NULL: any number of those
        response = client.post(url, headers=headers, json={"display_name": "N", "username": name, "student_no": " "})
        assert response.status_code == 201, response.get_json()
    assert db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.class_id == school_class.id, Membership.student_no.is_(None))) == 3  # and the head


def test_patching_a_taken_student_number_is_409_and_changes_nothing(client, make_class, make_user, db):
    one, two = make_user("one"), make_user("two")
    school_class = make_class(members=[one, two])
    membership(db, school_class, one).student_no = "2026001"
    db.session.commit()
    headers = api_login(client, school_class.head)
    response = client.patch(f"/api/v1/classes/{school_class.id}/members/two",
                            json={"student_no": "2026001", "department": "Moved"}, headers=headers)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "duplicate_student_no"
    record = membership(db, school_class, two)
    assert (record.student_no, record.department) == (None, None)
    cleared = client.patch(f"/api/v1/classes/{school_class.id}/members/one", json={"student_no": ""},
                           headers=headers)
    assert cleared.status_code == 200 and cleared.get_json()["student_no"] is None


def test_the_add_page_shows_the_password_once_and_refuses_bad_fields(client, make_class, db):
    school_class = make_class()
    api_login(client, school_class.head)
    page = f"/classes/{school_class.id}/roster/add"
    assert client.get(f"/classes/{school_class.id}/roster").get_data(as_text=True).count(page) == 1
    token = csrf_from(client, page)
    bad = client.post(page, data={"csrf_token": token, "display_name": "N", "username": "bad name",
                                  "role": "member", "stage": ""})
    assert bad.status_code == 200 and 'id="username-error"' in bad.get_data(as_text=True)
    made = client.post(page, data={"csrf_token": token, "display_name": "李华", "username": "lihua",
                                   "student_no": "2026009", "role": "member", "stage": ""})
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    text = made.get_data(as_text=True)
    password = re.search(r'class="one-time-password">([^<]+)<', text).group(1)
    assert "lihua" in text and "/login" in text
    assert accounts.authenticate("lihua", password).must_change_password
    existing = client.post(page, data={"csrf_token": token, "display_name": "x", "username": school_class.head.username,
                                       "role": "member", "stage": ""})
    assert existing.status_code == 200 and "already in this class" in existing.get_data(as_text=True)


def test_only_the_head_teacher_adds_members(client, make_class, make_user):
    grader, member, outsider = make_user(role="instructor"), make_user(), make_user(role="staff")
    school_class = make_class(members=[member], graders=[grader])
    body = {"display_name": "N", "username": "newbie"}
    for user, status in ((grader, 403), (member, 403), (outsider, 404)):
        fresh = client.application.test_client()
        headers = api_login(fresh, user)
        assert fresh.post(f"/api/v1/classes/{school_class.id}/members", headers=headers, json=body).status_code == status
        assert fresh.get(f"/classes/{school_class.id}/roster/add").status_code == status
    assert accounts.get_user_by_username("newbie") is None


def test_an_archived_class_takes_no_new_member(client, make_class, db):
    school_class = make_class()
    school_class.status = "archived"
    db.session.commit()
    headers = api_login(client, school_class.head)
    response = client.post(f"/api/v1/classes/{school_class.id}/members", headers=headers,
                           json={"display_name": "N", "username": "late"})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "class_archived"
    assert accounts.get_user_by_username("late") is None


# ---- reset a member's password ---------------------------------------------------------------------

def test_the_head_teacher_resets_a_members_password_ending_their_sessions(app, client, make_class, make_user, db):
    member = make_user("resetme")
    school_class = make_class(members=[member])
    phone = app.test_client()
    assert login(phone, "resetme").status_code == 302
    token, _record = accounts.issue_token(member)
    db.session.commit()
    headers = api_login(client, school_class.head)
    response = client.post(f"/api/v1/classes/{school_class.id}/members/ReSetMe/password", headers=headers)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = response.get_json()["password"]
    db.session.expire_all()
    user = accounts.get_user_by_username("resetme")
    assert user.must_change_password and accounts.authenticate("resetme", password) is not None
    assert accounts.authenticate("resetme", PASSWORD) is None
    assert phone.get("/account").status_code == 302  # the phone's session ended
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "class.member_password_reset"))
    assert entry.actor_id == school_class.head.id and entry.target_id == user.id
    assert password not in str(entry.data)


@pytest.mark.parametrize("role", ["staff", "instructor", "admin"])
def test_staff_accounts_passwords_are_never_reset_by_a_head_teacher(client, make_class, make_user, db, role):
    colleague = make_user(f"colleague-{role}", role=role)
    school_class = make_class(members=[colleague])  # a plain member of the class, a staff account
    headers = api_login(client, school_class.head)
    response = client.post(f"/api/v1/classes/{school_class.id}/members/{colleague.username}/password",
                           headers=headers)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "not_a_member_account"
    page = client.post(f"/classes/{school_class.id}/members/{colleague.username}/password",
                       data={"csrf_token": csrf_from(client, "/account")})
    assert page.status_code == 403
    assert accounts.authenticate(colleague.username, PASSWORD) is not None
    record_page = client.get(f"/classes/{school_class.id}/members/{colleague.username}").get_data(as_text=True)
    assert "/password" not in record_page


def test_the_reset_button_shows_the_slip_once(client, make_class, make_user, db):
    member = make_user("slipme")
    school_class = make_class(members=[member])
    api_login(client, school_class.head)
    record = f"/classes/{school_class.id}/members/slipme"
    assert f"{record}/password" in client.get(record).get_data(as_text=True)
    response = client.post(f"{record}/password", data={"csrf_token": csrf_from(client, record)})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = re.search(r'class="one-time-password">([^<]+)<', response.get_data(as_text=True)).group(1)
    assert accounts.authenticate("slipme", password) is not None


def test_who_may_reset_a_password(client, make_class, make_user, db):
    grader, member, outsider = make_user(role="instructor"), make_user("victim"), make_user(role="staff")
    school_class = make_class(members=[member], graders=[grader])
    for user, status in ((grader, 403), (member, 403), (outsider, 404)):
        fresh = client.application.test_client()
        headers = api_login(fresh, user)
        url = f"/api/v1/classes/{school_class.id}/members/victim/password"
        assert fresh.post(url, headers=headers).status_code == status
    headers = api_login(client, school_class.head)
    assert client.post(f"/api/v1/classes/{school_class.id}/members/nobody/password",
                       headers=headers).status_code == 404
    # The head teacher's own and a grader's: class staff, never reset here.
    assert client.post(f"/api/v1/classes/{school_class.id}/members/{grader.username}/password",
                       headers=headers).status_code == 403
    assert accounts.authenticate("victim", PASSWORD) is not None


# ---- copy a class for the next term ---------------------------------------------------------------

def _term(head, make_class, make_user, db):
    """A class with a grader, a member, a required-unit rule, an exam, a session with attendance."""
    from learnhub.courses.index import content_index

    grader, member = make_user("grader1", role="instructor"), make_user("member1")
    school_class = make_class(head=head, members=[member], graders=[grader], description="**Welcome**")
    course = content_index().course("party-building-online")
    unit = content_index().units[course.id][0]
    db.session.add(ClassUnitRule(class_id=school_class.id, unit_id=unit.id, required=False))
    from learnhub.quizzes.loader import get_quiz_catalog
    quiz = get_quiz_catalog().for_course(course.slug)[0]
    opens = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
    schedule_exam(head, school_class, course.slug, quiz.slug, opens, opens + timedelta(hours=2), 1800)
    session = create_session(head, school_class, "第一讲", "lecture", datetime(2026, 9, 8, 11, 0, tzinfo=timezone.utc),
                             datetime(2026, 9, 8, 13, 0, tzinfo=timezone.utc), "Room 101")
    db.session.add(AttendanceRecord(session_id=session.id, user_id=member.id, status="present", method="manual"))
    db.session.commit()
    return school_class, grader, member


def test_copy_a_class_for_the_next_term(client, make_class, make_user, db):
    head = make_user("head1", role="staff")
    source, grader, member = _term(head, make_class, make_user, db)
    headers = api_login(client, head)
    response = client.post(f"/api/v1/classes/{source.id}/copy", headers=headers, json={
        "name": "2027 春季", "code": "2027S", "starts_on": "2027-03-01", "ends_on": "2027-07-15"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["role"] == "head_teacher" and body["name"] == "2027 春季"
    assert [c["slug"] for c in body["courses"]] == ["party-building-online"]
    assert {(s["username"], s["role"]) for s in body["staff"]} == {("head1", "head_teacher"), ("grader1", "grader")}
    copy_id = body["id"]
    shift = date(2027, 3, 1) - date(2026, 9, 1)
    copied = db.session.get(SchoolClass, copy_id)
    assert copied.description == "**Welcome**" and copied.status == "planned"
    assert db.session.scalars(select(ClassUnitRule.required).where(ClassUnitRule.class_id == copy_id)).all() == [False]
    old_exam, new_exam = (db.session.scalar(select(ClassExam).where(ClassExam.class_id == i)) for i in (source.id, copy_id))
    assert (new_exam.quiz_id, new_exam.time_limit_seconds) == (old_exam.quiz_id, 1800)
    assert (new_exam.opens_at - old_exam.opens_at, new_exam.closes_at - old_exam.closes_at) == (shift, shift)
    old_session, new_session = (db.session.scalar(select(ClassSession).where(ClassSession.class_id == i))
                                for i in (source.id, copy_id))
    assert new_session.starts_at - old_session.starts_at == shift and new_session.place == "Room 101"
    # No members, no attendance, no results.
    assert db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.class_id == copy_id, Membership.role == "member")) == 0
    assert db.session.scalar(select(func.count()).select_from(AttendanceRecord).where(
        AttendanceRecord.session_id == new_session.id)) == 0
    again = client.post(f"/api/v1/classes/{source.id}/copy", headers=headers, json={
        "name": "Again", "code": "2027S", "starts_on": "2027-03-01", "ends_on": "2027-07-15"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "duplicate_code"


def test_the_copier_becomes_head_teacher_and_who_may_copy(client, make_class, make_user, db):
    head = make_user("head2", role="staff")
    source, grader, member = _term(head, make_class, make_user, db)
    staff_grader = make_user("staffgrader", role="staff")
    services.set_staff_role(head, source, staff_grader, "grader")
    outsider = make_user(role="staff")
    db.session.commit()
    body = {"name": "Next", "code": "NEXT1", "starts_on": "2027-03-01", "ends_on": "2027-07-15"}
    for user, status in ((member, 403), (grader, 403), (outsider, 404)):  # the grader: an instructor
        fresh = client.application.test_client()
        headers = api_login(fresh, user)
        assert fresh.post(f"/api/v1/classes/{source.id}/copy", headers=headers, json=body).status_code == status
        assert fresh.get(f"/classes/{source.id}/copy").status_code == status
    assert db.session.scalar(select(func.count()).select_from(SchoolClass)) == 1
    headers = api_login(client, staff_grader)
    response = client.post(f"/api/v1/classes/{source.id}/copy", headers=headers, json=body)
    assert response.status_code == 201
    staff = {(s["username"], s["role"]) for s in response.get_json()["staff"]}
    assert staff == {("staffgrader", "head_teacher"), ("head2", "head_teacher"), ("grader1", "grader")}


@pytest.mark.parametrize("body, field", [
    ({"name": "", "code": "N2", "starts_on": "2027-03-01", "ends_on": "2027-07-15"}, "name"),
    ({"name": "N", "code": "bad code", "starts_on": "2027-03-01", "ends_on": "2027-07-15"}, "code"),
    ({"name": "N", "code": "N2", "starts_on": "2027-02-30", "ends_on": "2027-07-15"}, "starts_on"),
    ({"name": "N", "code": "N2", "starts_on": "2027-03-01", "ends_on": "2027-01-15"}, "ends_on"),
])
def test_bad_copies_are_422_naming_the_field(client, make_class, db, body, field):
    source = make_class()
    headers = api_login(client, source.head)
    response = client.post(f"/api/v1/classes/{source.id}/copy", headers=headers, json=body)
    assert response.status_code == 422 and list(response.get_json()["error"]["fields"]) == [field]
    assert db.session.scalar(select(func.count()).select_from(SchoolClass)) == 1


def test_the_copy_page(client, make_class, make_user, db):
    head = make_user("head3", role="staff")
    source, _grader, _member = _term(head, make_class, make_user, db)
    api_login(client, head)
    assert f"/classes/{source.id}/copy" in client.get(f"/classes/{source.id}").get_data(as_text=True)
    page = f"/classes/{source.id}/copy"
    form = client.get(page).get_data(as_text=True)
    assert 'value="2027-09-01"' in form  # a year later, as a suggestion
    response = client.post(page, data={"csrf_token": csrf_from(client, page), "name": "Next term",
                                       "code": "NEXT2", "starts_on": "2027-09-01", "ends_on": "2028-01-15"})
    assert response.status_code == 302
    copied = db.session.scalar(select(SchoolClass).where(SchoolClass.code == "NEXT2"))
    assert response.headers["Location"].endswith(f"/classes/{copied.id}")
    assert services.class_role(head.id, copied.id) == "head_teacher"


def test_the_add_page_enrols_an_existing_account_and_opens_its_record(client, make_class, make_user, db):
    known = make_user("pageknown")
    school_class = make_class()
    api_login(client, school_class.head)
    page = f"/classes/{school_class.id}/roster/add"
    response = client.post(page, data={"csrf_token": csrf_from(client, page), "display_name": "ignored",
                                       "username": "PageKnown", "role": "member", "stage": "activist"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/classes/{school_class.id}/members/pageknown")
    assert membership(db, school_class, known).stage == "activist"
    assert accounts.authenticate("pageknown", PASSWORD) is not None


def test_an_archived_class_resets_no_password(client, make_class, make_user, db):
    """A past term's head teacher no longer holds that power (decision: archived is read-only)."""
    member = make_user("pastmember")
    school_class = make_class(members=[member])
    school_class.status = "archived"
    db.session.commit()
    headers = api_login(client, school_class.head)
    response = client.post(f"/api/v1/classes/{school_class.id}/members/pastmember/password", headers=headers)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "class_archived"
    assert accounts.authenticate("pastmember", PASSWORD) is not None


def test_a_head_teacher_cannot_take_over_another_classs_member_by_enrolling_them(client, make_class, make_user, db):
    """Review of issue 11: any staff account may create a class and enrol an existing account by
    username; were the reset allowed then, it would hand over any member's account (and their
    exams in other classes). A member who is also in a class the head teacher does not run is
    reset by an administrator only; one whose classes are all the head teacher's still is."""
    victim = make_user("elsewhere")
    make_class(members=[victim])                      # class A, another head teacher
    own = make_class()                                # class B: the attacker's
    headers = api_login(client, own.head)
    added = client.post(f"/api/v1/classes/{own.id}/members", headers=headers,
                        json={"display_name": "Anyone", "username": "elsewhere"})
    assert added.status_code == 201 and added.get_json()["password"] is None
    response = client.post(f"/api/v1/classes/{own.id}/members/elsewhere/password", headers=headers)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "member_of_other_classes"
    page = client.post(f"/classes/{own.id}/members/elsewhere/password",
                       data={"csrf_token": csrf_from(client, "/account")})
    assert page.status_code == 403
    record_page = client.get(f"/classes/{own.id}/members/elsewhere").get_data(as_text=True)
    assert "/password" not in record_page
    db.session.expire_all()
    assert accounts.authenticate("elsewhere", PASSWORD) is not None
    assert not accounts.get_user_by_username("elsewhere").must_change_password

    # The same head teacher running both of a member's classes may reset; so may an admin.
    both = make_user("bothmine")
    make_class(head=own.head, members=[both])
    services_class = make_class(head=own.head, members=[both])
    assert client.post(f"/api/v1/classes/{services_class.id}/members/bothmine/password",
                       headers=headers).status_code == 200
    admin = client.application.test_client()
    admin_headers = api_login(admin, make_user(role="admin"))
    assert admin.post(f"/api/v1/classes/{own.id}/members/elsewhere/password",
                      headers=admin_headers).status_code == 200


def test_a_copy_or_a_new_class_with_several_bad_fields_names_them_all(client, make_class, db):
    """API.md: a body that fails validation names every field at fault, not the first."""
    source = make_class()
    headers = api_login(client, source.head)
    for url in (f"/api/v1/classes/{source.id}/copy", "/api/v1/classes"):
        response = client.post(url, headers=headers, json={"starts_on": "2027-02-30"})
        assert response.status_code == 422, url
        assert set(response.get_json()["error"]["fields"]) == {"name", "code", "starts_on", "ends_on"}, url
    assert db.session.scalar(select(func.count()).select_from(SchoolClass)) == 1
