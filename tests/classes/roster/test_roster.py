"""The roster and members' records: who sees them, filters and sorting, stage history and
the minimum-gap warnings, export, and a query count that does not grow with the class."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from learnhub.classes.attendance.models import AttendanceRecord, ClassSession
from learnhub.classes.models import Membership
from learnhub.classes.roster.models import StageChange
from learnhub.classes.roster.services import next_step_due, one_year_after
from learnhub.core.audit import AuditEntry
from tests.support.pages import next_link
from tests.support.web import api_login, csrf_from


def record(db, school_class, user, **fields):
    membership = db.session.scalar(select(Membership).where(Membership.class_id == school_class.id,
                                                            Membership.user_id == user.id))
    for key, value in fields.items():
        setattr(membership, key, value)
    db.session.commit()
    return membership


# ---- rules ---------------------------------------------------------------------------------------

def test_due_for_the_next_step_after_a_full_year():
    today = date(2026, 11, 24)
    assert next_step_due("activist", date(2025, 11, 24), today) == "candidate"
    assert next_step_due("activist", date(2025, 11, 25), today) is None
    assert next_step_due("probationary", date(2025, 6, 1), today) == "full_member"
    assert next_step_due("candidate", date(2020, 1, 1), today) is None
    assert next_step_due("activist", None, today) is None
    assert one_year_after(date(2024, 2, 29)) == date(2025, 3, 1)


# ---- the roster page -----------------------------------------------------------------------------

def test_staff_see_the_roster_with_records_flags_and_attendance(client, make_class, make_user, db, clock):
    li, wang = make_user("lixiao"), make_user("wangfang")
    school_class = make_class(members=[li, wang])
    record(db, school_class, li, stage="activist", stage_date=date(2025, 9, 1), student_no="2021001",
           department="计算机学院第一党支部", phone="13800000001", location="away",
           location_note="深圳实习至六月", staff_notes="Needs the second interview")
    record(db, school_class, wang, stage="applicant", student_no="2021002", department="数学学院支部")
    session = ClassSession(class_id=school_class.id, title="Lecture", starts_at=clock.advance(days=-2),
                           ends_at=clock.advance(hours=1))
    clock.advance(days=2, hours=-1)
    db.session.add(session)
    db.session.flush()
    db.session.add(AttendanceRecord(session_id=session.id, user_id=li.id, status="present", method="qr"))
    db.session.commit()
    api_login(client, school_class.head)
    page = client.get(f"/classes/{school_class.id}/roster").get_data(as_text=True)
    for text in ("lixiao", "2021001", "计算机学院第一党支部", "13800000001", "深圳实习至六月",
                 "Needs the second interview", "100%", "wangfang", "0%"):
        assert text in page, text
    assert "Candidate" in page  # li is due to become a candidate (a year as activist)
    away = client.get(f"/classes/{school_class.id}/roster?location=away").get_data(as_text=True)
    assert "lixiao" in away and "wangfang" not in away
    found = client.get(f"/classes/{school_class.id}/roster?q=2021002").get_data(as_text=True)
    assert "wangfang" in found and "lixiao" not in found
    by_department = client.get(f"/classes/{school_class.id}/roster",
                               query_string={"department": "数学学院支部"}).get_data(as_text=True)
    assert "wangfang" in by_department and "lixiao" not in by_department
    # The class page links staff to the roster.
    overview = client.get(f"/classes/{school_class.id}").get_data(as_text=True)
    assert f"/classes/{school_class.id}/roster" in overview


@pytest.mark.parametrize("sort, first", [("stage", "a-applicant"), ("-stage", "c-probation"),
                                         ("-attendance_rate", "b-activist"), ("student_no", "c-probation"),
                                         ("-display_name", "a-applicant")])
def test_roster_sorts_by_any_column(client, make_class, make_user, db, clock, sort, first):
    a, b, c = make_user("a-applicant"), make_user("b-activist"), make_user("c-probation")
    school_class = make_class(members=[a, b, c])
    session = ClassSession(class_id=school_class.id, title="Lecture", starts_at=clock.advance(days=-1),
                           ends_at=clock.advance(hours=1))
    clock.advance(days=1)
    db.session.add(session)
    db.session.flush()
    db.session.add(AttendanceRecord(session_id=session.id, user_id=b.id, status="present", method="qr"))
    record(db, school_class, a, stage="applicant", student_no="3")
    record(db, school_class, b, stage="activist", student_no="2")
    record(db, school_class, c, stage="probationary", student_no="1")
    a.display_name, b.display_name, c.display_name = "Zhao", "Qian", "Sun"
    db.session.commit()
    headers = api_login(client, school_class.head)
    items = client.get(f"/api/v1/classes/{school_class.id}/roster?role=member&sort={sort}",
                       headers=headers).get_json()["items"]
    assert items[0]["username"] == first, [i["username"] for i in items]


def test_the_roster_page_query_count_does_not_grow_with_members(client, make_class, make_user, db,
                                                               count_queries):
    def class_of(size):
        school_class = make_class(members=[make_user() for _ in range(size)])
        for membership in db.session.scalars(select(Membership).where(Membership.class_id == school_class.id)):
            membership.stage, membership.department = "activist", f"Branch {membership.id % 3}"
            membership.stage_date = date(2025, 1, 1)
        db.session.commit()
        return school_class

    small, large = class_of(3).id, class_of(40).id
    api_login(client, make_user(role="admin"))
    client.get(f"/classes/{small}/roster")
    with count_queries() as few:
        assert client.get(f"/classes/{small}/roster").status_code == 200
    with count_queries() as many:
        assert client.get(f"/classes/{large}/roster").status_code == 200
    assert len(many) == len(few), "\n".join(s[:90] for s in many)


def test_roster_is_paginated(client, make_class, make_user):
    school_class = make_class(members=[make_user(f"m{n:03d}") for n in range(55)])
    api_login(client, school_class.head)
    first = client.get(f"/classes/{school_class.id}/roster?role=member&limit=50").get_data(as_text=True)
    second = client.get(next_link(first)).get_data(as_text=True)
    assert "m000" in first and "m054" not in first
    assert "m054" in second and "m000" not in second
    headers = api_login(client.application.test_client(), school_class.head)
    api = client.get(f"/api/v1/classes/{school_class.id}/roster?limit=50", headers=headers).get_json()
    assert len(api["items"]) == 50 and api["next"]
    rest = client.get(f"/api/v1/classes/{school_class.id}/roster?limit=50&cursor={api['next']}",
                      headers=headers).get_json()
    assert len(rest["items"]) == 6 and rest["next"] is None  # 55 members and the head teacher


# ---- who sees what -----------------------------------------------------------------------------

def test_a_member_sees_neither_the_roster_nor_the_notes(client, make_class, make_user, db):
    member = make_user()
    school_class = make_class(members=[member])
    record(db, school_class, member, staff_notes="SECRET-NOTE")
    headers = api_login(client, member)
    for path in (f"/classes/{school_class.id}/roster", f"/classes/{school_class.id}/roster.csv",
                 f"/classes/{school_class.id}/members/{member.username}",
                 f"/api/v1/classes/{school_class.id}/roster"):
        response = client.get(path, headers=headers)
        assert response.status_code == 403, path
        assert "SECRET-NOTE" not in response.get_data(as_text=True)
    assert "SECRET-NOTE" not in client.get(f"/classes/{school_class.id}").get_data(as_text=True)
    assert "SECRET-NOTE" not in client.get(f"/api/v1/classes/{school_class.id}",
                                           headers=headers).get_data(as_text=True)
    patched = client.patch(f"/api/v1/classes/{school_class.id}/members/{member.username}",
                           json={"stage": "candidate"}, headers=headers)
    assert patched.status_code == 403


def test_a_grader_of_class_a_can_neither_see_nor_change_class_b(client, make_class, make_user, db):
    grader = make_user(role="instructor")
    member_b = make_user()
    a = make_class(graders=[grader])
    b = make_class(members=[member_b])
    headers = api_login(client, grader)
    assert client.get(f"/classes/{a.id}/roster").status_code == 200
    assert client.get(f"/classes/{b.id}/roster").status_code == 404
    assert client.get(f"/api/v1/classes/{b.id}/roster", headers=headers).status_code == 404
    assert client.get(f"/classes/{b.id}/members/{member_b.username}").status_code == 404
    response = client.patch(f"/api/v1/classes/{b.id}/members/{member_b.username}",
                            json={"stage": "candidate"}, headers=headers)
    assert response.status_code == 404
    # Graders read records in their own class but the head teacher edits them.
    member_a = make_user()
    db.session.add(Membership(class_id=a.id, user_id=member_a.id, role="member"))
    db.session.commit()
    assert client.get(f"/classes/{a.id}/members/{member_a.username}").status_code == 200
    assert client.patch(f"/api/v1/classes/{a.id}/members/{member_a.username}",
                        json={"stage": "candidate"}, headers=headers).status_code == 403
    assert db.session.scalar(select(StageChange)) is None


# ---- editing a record ----------------------------------------------------------------------------

def test_stage_changes_are_kept_with_warnings_for_short_gaps(client, make_class, make_user, db, clock):
    member = make_user("zhangsan")
    school_class = make_class(members=[member])
    headers = api_login(client, school_class.head)
    url = f"/api/v1/classes/{school_class.id}/members/zhangsan"
    first = client.patch(url, json={"stage": "activist", "stage_date": "2026-03-01"}, headers=headers)
    assert first.status_code == 200 and first.get_json()["warnings"] == []
    # Candidate after six months as activist: recorded, with a warning.
    early = client.patch(url, json={"stage": "candidate", "stage_date": "2026-09-01"}, headers=headers)
    assert early.status_code == 200, early.get_json()
    body = early.get_json()
    assert body["stage"] == "candidate" and body["stage_date"] == "2026-09-01"
    assert len(body["warnings"]) == 1 and "2026-03-01" in body["warnings"][0]
    # A year of probation: probationary in 2026-10, full member a month later warns too.
    client.patch(url, json={"stage": "probationary", "stage_date": "2026-10-01"}, headers=headers)
    full = client.patch(url, json={"stage": "full_member", "stage_date": "2026-11-01"}, headers=headers)
    assert full.status_code == 200 and len(full.get_json()["warnings"]) == 1
    history = db.session.scalars(select(StageChange).order_by(StageChange.id)).all()
    assert [(h.from_stage, h.to_stage, h.stage_date) for h in history] == [
        (None, "activist", date(2026, 3, 1)), ("activist", "candidate", date(2026, 9, 1)),
        ("candidate", "probationary", date(2026, 10, 1)), ("probationary", "full_member", date(2026, 11, 1))]
    assert {h.changed_by_id for h in history} == {school_class.head.id}
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action == "class.member_stage")).all()
    assert len(actions) == 4
    # The history is on the record page.
    page = client.get(f"/classes/{school_class.id}/members/zhangsan").get_data(as_text=True)
    assert "Stage history" in page and "2026-09-01" in page and "Probationary member" in page


def test_a_year_apart_gives_no_warning(client, make_class, make_user):
    member = make_user("lisi")
    school_class = make_class(members=[member])
    headers = api_login(client, school_class.head)
    url = f"/api/v1/classes/{school_class.id}/members/lisi"
    client.patch(url, json={"stage": "activist", "stage_date": "2025-03-01"}, headers=headers)
    ok = client.patch(url, json={"stage": "candidate", "stage_date": "2026-03-01"}, headers=headers)
    assert ok.get_json()["warnings"] == []


def test_the_record_page_edits_and_flashes_the_warning(client, make_class, make_user, db):
    member = make_user("wangwu")
    school_class = make_class(members=[member])
    record(db, school_class, member, stage="activist", stage_date=date(2026, 6, 1))
    api_login(client, school_class.head)
    url = f"/classes/{school_class.id}/members/wangwu"
    form = {"csrf_token": csrf_from(client, url), "stage": "candidate", "stage_date": "2026-10-01",
            "role": "member", "student_no": "2022009", "department": "化学学院支部", "phone": "13900000000",
            "email": "ww@example.edu.cn", "location": "graduated", "location_note": "在北京工作",
            "staff_notes": "Talked on 10-01", "save": "Save"}
    response = client.post(url, data=form, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Less than a year as Activist" in page and "The record was saved." in page
    membership = record(db, school_class, member)
    assert (membership.stage, membership.student_no, membership.location, membership.email) == (
        "candidate", "2022009", "graduated", "ww@example.edu.cn")
    bad = client.post(url, data={**form, "email": "not-an-address"})
    assert bad.status_code == 200 and "not an e-mail address" in bad.get_data(as_text=True)


@pytest.mark.parametrize("body", [{"stage": "leader"}, {"stage": None}, {"stage_date": "2026-02-30"},
                                  {"role": "head_teacher"}, {"location": "moon"}, {"email": "x@"},
                                  {"phone": "call me"}, {"student_no": "9" * 33}, {"nickname": "x"}])
def test_bad_member_changes_are_422_and_write_nothing(client, make_class, make_user, db, body):
    member = make_user("zhaoliu")
    school_class = make_class(members=[member])
    headers = api_login(client, school_class.head)
    response = client.patch(f"/api/v1/classes/{school_class.id}/members/zhaoliu", json=body, headers=headers)
    assert response.status_code == 422, response.get_json()
    assert db.session.scalar(select(StageChange)) is None
    db.session.expire_all()
    membership = record(db, school_class, member)
    assert (membership.stage, membership.email, membership.location) == (None, None, None)


def test_role_changes_only_for_staff_capable_accounts(client, make_class, make_user, db):
    plain, instructor = make_user("plain"), make_user("teacher", role="instructor")
    school_class = make_class(members=[plain, instructor])
    headers = api_login(client, school_class.head)
    base = f"/api/v1/classes/{school_class.id}/members"
    refused = client.patch(f"{base}/plain", json={"role": "grader"}, headers=headers)
    assert refused.status_code == 422
    made = client.patch(f"{base}/teacher", json={"role": "grader", "department": "Staff room"}, headers=headers)
    assert made.status_code == 200 and made.get_json()["role"] == "grader"
    back = client.patch(f"{base}/teacher", json={"role": "member"}, headers=headers)
    assert back.get_json()["role"] == "member"
    head = client.patch(f"{base}/{school_class.head.username}", json={"role": "member"}, headers=headers)
    assert head.status_code == 422
    assert client.patch(f"{base}/nobody", json={"stage": "activist"}, headers=headers).status_code == 404


def test_archived_classes_refuse_record_changes(client, make_class, make_user, db):
    member = make_user("archived1")
    school_class = make_class(members=[member])
    school_class.status = "archived"
    db.session.commit()
    headers = api_login(client, school_class.head)
    response = client.patch(f"/api/v1/classes/{school_class.id}/members/archived1",
                            json={"stage": "activist"}, headers=headers)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "class_archived"
    assert client.get(f"/classes/{school_class.id}/roster").status_code == 200  # still readable


# ---- export --------------------------------------------------------------------------------------

def test_export_csv_and_xlsx_with_attendance_and_formulas_neutralised(client, make_class, make_user, db):
    member = make_user("exporter")
    school_class = make_class(members=[member])
    record(db, school_class, member, stage="activist", department="=HYPERLINK(\"http://x\")",
           student_no="2021999", staff_notes="@SUM(A1)")
    api_login(client, school_class.head)
    csv_response = client.get(f"/classes/{school_class.id}/roster.csv?role=member")
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    text = csv_response.get_data().decode("utf-8-sig")
    assert "exporter" in text and "2021999" in text and "Attendance rate" in text
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text
    xlsx = client.get(f"/classes/{school_class.id}/roster.xlsx?role=member")
    sheet = load_workbook(io.BytesIO(xlsx.get_data()), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "exporter" and rows[1][6].startswith("'=")


def test_the_head_teacher_edits_their_own_record_without_a_role_field(client, make_class, db):
    school_class = make_class()
    head = school_class.head
    api_login(client, head)
    url = f"/classes/{school_class.id}/members/{head.username}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="role"' not in page
    response = client.post(url, data={"csrf_token": csrf_from(client, url), "stage": "full_member",
                                      "stage_date": "2020-07-01", "location": "", "department": "党校办公室",
                                      "save": "Save"})
    assert response.status_code == 302
    membership = record(db, school_class, head)
    assert (membership.role, membership.stage, membership.department) == ("head_teacher", "full_member", "党校办公室")


# ---- stage dates out of range (review fix) -------------------------------------------------------

def test_one_year_after_is_safe_at_the_end_of_the_calendar():
    assert one_year_after(date(9999, 6, 1)) == date.max
    assert one_year_after(date.max) == date.max
    assert next_step_due("activist", date(9999, 6, 1), date(2026, 11, 24)) is None


@pytest.mark.parametrize("day", ["9999-06-01", "2101-01-01", "1920-12-31", "0001-01-01"])
def test_a_stage_date_out_of_range_is_422_and_written_nowhere(client, make_class, make_user, db, day):
    member = make_user("ann")
    school_class = make_class(members=[member])
    headers = api_login(client, school_class.head)
    response = client.patch(f"/api/v1/classes/{school_class.id}/members/ann",
                            json={"stage": "activist", "stage_date": day}, headers=headers)
    assert response.status_code == 422, response.get_json()
    assert "not between 1921-01-01 and 2100-12-31" in response.get_json()["error"]["message"]
    assert db.session.scalar(select(StageChange)) is None
    db.session.expire_all()
    assert (record(db, school_class, member).stage, record(db, school_class, member).stage_date) == (None, None)
    assert client.get(f"/api/v1/classes/{school_class.id}/roster", headers=headers).status_code == 200
    assert client.get(f"/classes/{school_class.id}/roster").status_code == 200
    # The ends of the range are accepted.
    for edge in ("1921-01-01", "2100-12-31"):
        ok = client.patch(f"/api/v1/classes/{school_class.id}/members/ann",
                          json={"stage": "activist", "stage_date": edge}, headers=headers)
        assert ok.status_code == 200, ok.get_json()


def test_the_record_form_refuses_a_stage_date_out_of_range(client, make_class, make_user, db):
    member = make_user("bob")
    school_class = make_class(members=[member])
    api_login(client, school_class.head)
    url = f"/classes/{school_class.id}/members/bob"
    response = client.post(url, data={"csrf_token": csrf_from(client, url), "stage": "activist",
                                      "stage_date": "9999-06-01", "role": "member", "location": "",
                                      "save": "Save"})
    assert response.status_code == 200
    assert "not between 1921-01-01 and 2100-12-31" in response.get_data(as_text=True)
    db.session.expire_all()
    assert record(db, school_class, member).stage_date is None


def test_a_stored_far_stage_date_does_not_break_the_roster(client, make_class, make_user, db):
    # A record saved before the range check (or written by hand) still lists.
    member = make_user("carl")
    school_class = make_class(members=[member])
    record(db, school_class, member, stage="activist", stage_date=date(9999, 6, 1))
    headers = api_login(client, school_class.head)
    api = client.get(f"/api/v1/classes/{school_class.id}/roster", headers=headers)
    assert api.status_code == 200, api.get_data(as_text=True)[:300]
    assert client.get(f"/classes/{school_class.id}/roster").status_code == 200
    assert client.get(f"/classes/{school_class.id}/members/carl").status_code == 200


def test_the_stage_history_names_who_changed_it(client, make_class, make_user, db):
    """By display name (issue 11, item 18), not a username, an id or nothing."""
    member = make_user("historian")
    school_class = make_class(members=[member])
    school_class.head.display_name = "张老师"
    db.session.commit()
    headers = api_login(client, school_class.head)
    assert client.patch(f"/api/v1/classes/{school_class.id}/members/historian",
                        json={"stage": "activist"}, headers=headers).status_code == 200
    page = client.get(f"/classes/{school_class.id}/members/historian").get_data(as_text=True)
    history = page[page.index('id="stage-history"'):]
    assert "<td>张老师</td>" in history and school_class.head.username not in history


@pytest.mark.parametrize("body, field", [({"stage": "leader"}, "stage"), ({"stage_date": "2026-02-30"}, "stage_date"),
                                         ({"role": "head_teacher"}, "role"), ({"email": "x@"}, "email"),
                                         ({"phone": "call me"}, "phone"), ({"nickname": "x"}, "nickname")])
def test_bad_member_changes_name_the_field(client, make_class, make_user, body, field):
    school_class = make_class(members=[make_user("fielded")])
    headers = api_login(client, school_class.head)
    response = client.patch(f"/api/v1/classes/{school_class.id}/members/fielded", json=body, headers=headers)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_field" and list(error["fields"]) == [field], error
