"""Attendance: sessions, marks, minutes, exports, archived classes (check-in: test_checkin.py)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from learnhub.classes.attendance import sessions as attendance
from learnhub.classes.attendance.models import AttendanceRecord, ClassSession
from learnhub.classes.models import Membership
from learnhub.core.audit import AuditEntry
from tests.support.attendance import current_code, records
from tests.support.web import CSRF_INPUT, api_client, csrf_from

# ---- sessions ---------------------------------------------------------------------------------


def test_staff_create_a_session_in_local_time_stored_as_utc(app, db, school):
    head = api_client(app, school.head)
    url = f"/api/v1/classes/{school.school_class.id}/sessions"
    body = {"title": "支部大会", "kind": "meeting", "starts_at": "2026-11-25T19:00", "ends_at": "2026-11-25T21:00+08:00",
            "place": "Room 3", "meeting_url": "https://meeting.example.com/j/1", "late_after_minutes": 5}
    # A time without an offset is refused (API.md: times carry one), naming the field.
    naive = head.api("POST", url, body)
    assert naive.status_code == 422, naive.get_json()
    error = naive.get_json()["error"]
    assert error["code"] == "invalid_field" and set(error["fields"]) == {"starts_at"}
    assert "offset" in error["fields"]["starts_at"]
    assert db.session.scalar(select(func.count()).select_from(ClassSession)) == 1  # the fixture's only
    response = head.api("POST", url, {**body, "starts_at": "2026-11-25T19:00+08:00"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["starts_at"] == "2026-11-25T11:00:00Z" and body["ends_at"] == "2026-11-25T13:00:00Z"
    assert body["url"] == f"/sessions/{body['id']}" and body["phase"] == "upcoming"
    # The page form takes the same wall-clock time in the configured zone.
    token = csrf_from(head, f"/classes/{school.school_class.id}/sessions/new")
    page = head.post(f"/classes/{school.school_class.id}/sessions/new", data={
        "csrf_token": token, "title": "Party lesson", "kind": "party_lesson", "starts_at": "2026-11-26T08:30",
        "ends_at": "2026-11-26T10:00", "place": "", "meeting_url": "", "late_after_minutes": "10"})
    assert page.status_code == 302, page.get_data(as_text=True)
    created = db.session.scalar(select(ClassSession).where(ClassSession.title == "Party lesson"))
    assert created.starts_at == datetime(2026, 11, 26, 0, 30, tzinfo=timezone.utc)
    # Editing keeps the local time in the form.
    edit = head.get(f"/sessions/{created.id}/edit").get_data(as_text=True)
    assert 'value="2026-11-26T08:30"' in edit


@pytest.mark.parametrize("change", [
    {"title": ""}, {"title": "x" * 201}, {"kind": "party"}, {"ends_at": "2026-11-25T18:00+08:00"},
    {"ends_at": "2026-11-27T19:00+08:00"}, {"starts_at": "tomorrow"}, {"starts_at": 5},
    {"meeting_url": "javascript:alert(1)"}, {"meeting_url": "ftp://example.com/x"}, {"meeting_url": "https://"},
    {"late_after_minutes": -1}, {"late_after_minutes": "5"}, {"late_after_minutes": True},
    {"late_after_minutes": 241}, {"place": 3}, {"colour": "red"},
])
def test_bad_session_input_is_422_and_writes_nothing(app, db, school, change):
    head = api_client(app, school.head)
    body = {"title": "T", "kind": "lecture", "starts_at": "2026-11-25T19:00+08:00",
            "ends_at": "2026-11-25T21:00+08:00", **change}
    before = db.session.scalar(select(func.count()).select_from(ClassSession))
    response = head.api("POST", f"/api/v1/classes/{school.school_class.id}/sessions", body)
    assert response.status_code == 422, (change, response.get_json())
    assert db.session.scalar(select(func.count()).select_from(ClassSession)) == before


def test_session_form_errors_are_shown_and_nothing_written(app, db, school):
    head = api_client(app, school.head)
    url = f"/classes/{school.school_class.id}/sessions/new"
    response = head.post(url, data={"csrf_token": csrf_from(head, url), "title": "T", "kind": "lecture",
                                    "starts_at": "2026-11-26T10:00", "ends_at": "2026-11-26T09:00",
                                    "meeting_url": "javascript:x", "late_after_minutes": "10"})
    assert response.status_code == 200
    assert "must end after it starts" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ClassSession)) == 1


def test_who_may_create_and_edit_sessions(app, db, make_user, make_class, school):
    url = f"/api/v1/classes/{school.school_class.id}/sessions"
    body = {"title": "T", "kind": "lecture", "starts_at": "2026-11-25T19:00+08:00",
            "ends_at": "2026-11-25T20:00+08:00"}
    assert api_client(app, school.members[0]).api("POST", url, body).status_code == 403
    other_head = make_class().head
    assert api_client(app, other_head).api("POST", url, body).status_code == 404
    grader = api_client(app, school.grader)
    assert grader.api("POST", url, body).status_code == 201
    patched = grader.api("PATCH", f"/api/v1/sessions/{school.session.id}", {"place": "Hall"})
    assert patched.status_code == 200 and patched.get_json()["place"] == "Hall"
    assert api_client(app, other_head).api("PATCH", f"/api/v1/sessions/{school.session.id}",
                                           {"place": "X"}).status_code == 404
    assert api_client(app, school.members[0]).get(f"/sessions/{school.session.id}/edit").status_code == 403


def test_members_see_the_schedule_staff_see_counts(app, db, school, clock):
    member = api_client(app, school.members[0])
    assert member.api("POST", "/api/v1/checkin", {"code": current_code(app, school.session.id, clock.now)})
    items = member.get(f"/api/v1/classes/{school.school_class.id}/sessions").get_json()["items"]
    assert [i["title"] for i in items] == ["Lecture 1"]
    page = member.get(f"/classes/{school.school_class.id}/sessions").get_data(as_text=True)
    assert "Lecture 1" in page and "Room 101" in page and "/ 2" not in page
    staff_page = api_client(app, school.head).get(f"/classes/{school.school_class.id}/sessions")
    assert "0 / 2" in staff_page.get_data(as_text=True) or "1 / 2" in staff_page.get_data(as_text=True)
    # The class page's sessions panel (called directly: the page holds other features' panels too).
    from learnhub.classes.attendance.views import sessions_panel

    with app.test_request_context():
        panel = sessions_panel(school_class=school.school_class, role="member")
    assert "Lecture 1" in panel and f"/classes/{school.school_class.id}/sessions" in panel


def test_sessions_list_query_count_does_not_grow(app, db, make_user, school, count_queries, clock):
    head = api_client(app, school.head)
    url = f"/api/v1/classes/{school.school_class.id}/sessions"

    def counted(path):
        with count_queries() as statements:
            assert head.get(path).status_code == 200
        return len(statements)

    small_api, small_page = counted(url), counted(f"/classes/{school.school_class.id}/sessions")
    for i in range(25):
        user = make_user(f"extra{i}")
        db.session.add(Membership(class_id=school.school_class.id, user_id=user.id, role="member"))
        db.session.flush()
        if i % 2:
            db.session.add(AttendanceRecord(session_id=school.session.id, user_id=user.id, status="present",
                                            method="qr", checked_in_at=clock.now))
    for i in range(5):
        attendance.create_session(school.head, school.school_class, f"S{i}", "lecture",
                                  clock.now + timedelta(days=i + 1), clock.now + timedelta(days=i + 1, hours=1))
    db.session.commit()
    assert counted(url) == small_api
    assert counted(f"/classes/{school.school_class.id}/sessions") == small_page
    items = head.get(url).get_json()["items"]
    assert items[0]["present_count"] == 12 and items[0]["members_count"] == 27 and len(items) == 6


def test_sessions_today_for_the_home_page(app, db, school, clock):
    tomorrow = attendance.create_session(school.head, school.school_class, "Tomorrow", "lecture",
                                         clock.now + timedelta(days=1), clock.now + timedelta(days=1, hours=1))
    db.session.commit()
    today = attendance.sessions_today([school.school_class.id, 999], clock.now)
    assert [s.title for s in today[school.school_class.id]] == ["Lecture 1"]
    assert tomorrow not in today[school.school_class.id]
    assert attendance.sessions_today([], clock.now) == {}


# ---- manual marks, the attendance list, exports -------------------------------------------------

def test_staff_mark_by_hand_with_a_note_audited(app, db, school, clock):
    head = api_client(app, school.head)
    url = f"/api/v1/sessions/{school.session.id}/attendance/{school.members[0].username}"
    response = head.api("PUT", url, {"status": "excused", "note": "Ill, with a note from the clinic"})
    assert response.status_code == 200 and response.get_json()["status"] == "excused"
    grader = api_client(app, school.grader)
    assert grader.api("PUT", url, {"status": "late"}).status_code == 200
    (record,) = records(db)
    assert record.status == "late" and record.method == "manual" and record.marked_by_id == school.grader.id
    audits = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "attendance.mark")
                                .order_by(AuditEntry.id)).all()
    assert [a.data["status"] for a in audits] == ["excused", "late"]
    assert audits[1].data["old_status"] == "excused" and audits[0].data["note"].startswith("Ill")
    # A member marked by hand who then scans: already recorded.
    member = api_client(app, school.members[0])
    scan = member.api("POST", "/api/v1/checkin", {"code": current_code(app, school.session.id, clock.now)})
    assert scan.status_code == 409


def test_marks_refused_for_members_other_class_staff_and_bad_input(app, db, make_class, school):
    url = f"/api/v1/sessions/{school.session.id}/attendance/{school.members[0].username}"
    assert api_client(app, school.members[1]).api("PUT", url, {"status": "present"}).status_code == 403
    assert api_client(app, make_class().head).api("PUT", url, {"status": "present"}).status_code == 404
    head = api_client(app, school.head)
    for body in ({"status": "sleeping"}, {"status": "present", "note": "x" * 501}, {"status": "present", "note": 3},
                 {"status": "present", "extra": 1}, {}):
        assert head.api("PUT", url, body).status_code == 422, body
    not_member = f"/api/v1/sessions/{school.session.id}/attendance/{school.grader.username}"
    assert head.api("PUT", not_member, {"status": "present"}).status_code == 404
    assert head.api("PUT", f"/api/v1/sessions/{school.session.id}/attendance/nobody",
                    {"status": "present"}).status_code == 404
    assert records(db) == []
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "attendance.mark")) == 0


def test_mark_by_hand_on_the_session_page(app, db, school):
    head = api_client(app, school.head)
    page = head.get(f"/sessions/{school.session.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and school.members[1].username in html
    response = head.post(f"/sessions/{school.session.id}/attendance", data={
        "csrf_token": CSRF_INPUT.search(html).group(1), "username": school.members[1].username,
        "status": "absent", "note": "Did not come"})
    assert response.status_code == 302
    (record,) = records(db)
    assert record.status == "absent" and record.note == "Did not come"
    member_page = api_client(app, school.members[1]).get(f"/sessions/{school.session.id}").get_data(as_text=True)
    assert "Absent" in member_page and school.members[0].username not in member_page


def test_attendance_list_absent_only_once_ended(app, db, school, clock):
    member = api_client(app, school.members[0])
    member.api("POST", "/api/v1/checkin", {"code": current_code(app, school.session.id, clock.now)})
    head = api_client(app, school.head)
    url = f"/api/v1/sessions/{school.session.id}/attendance"
    items = {i["username"]: i for i in head.get(url).get_json()["items"]}
    assert items["member1"]["status"] == "present" and items["member1"]["method"] == "qr"
    assert items["member2"]["status"] is None and items["member2"]["recorded"] is False
    clock.advance(hours=2)
    items = {i["username"]: i for i in head.get(url).get_json()["items"]}
    assert items["member2"]["status"] == "absent" and items["member2"]["checked_in_at"] is None
    assert api_client(app, school.members[1]).get(url).status_code == 403


def test_attendance_export_csv_and_xlsx(app, db, school, clock):
    member = api_client(app, school.members[0])
    member.api("POST", "/api/v1/checkin", {"code": current_code(app, school.session.id, clock.now)})
    head = api_client(app, school.head)
    csv_response = head.get(f"/sessions/{school.session.id}/attendance.csv")
    assert csv_response.status_code == 200
    text = csv_response.get_data().decode("utf-8-sig")
    assert "member1" in text and "Present" in text and "20:00:00" in text  # local time, Asia/Shanghai
    xlsx = head.get(f"/sessions/{school.session.id}/attendance.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert head.get(f"/sessions/{school.session.id}/attendance.pdf").status_code == 404
    assert member.get(f"/sessions/{school.session.id}/attendance.csv").status_code == 403


# ---- minutes ----------------------------------------------------------------------------------

def test_head_teacher_records_minutes_members_read_them_sanitised(app, db, school, clock):
    head = api_client(app, school.head)
    url = f"/sessions/{school.session.id}/minutes"
    html = head.get(url).get_data(as_text=True)
    response = head.post(url, data={"csrf_token": CSRF_INPUT.search(html).group(1),
                                    "minutes": "## 决议\n\n* Agreed <script>alert(1)</script>"})
    assert response.status_code == 302
    page = api_client(app, school.members[0]).get(f"/sessions/{school.session.id}").get_data(as_text=True)
    assert "决议" in page and "<script>alert" not in page
    assert api_client(app, school.grader).get(url).status_code == 403
    api = api_client(app, school.members[0]).get(f"/api/v1/sessions/{school.session.id}").get_json()
    assert "决议" in api["minutes_html"] and "<script>" not in api["minutes_html"]


def test_minutes_wait_for_the_session_to_start(app, db, school, clock):
    future = attendance.create_session(school.head, school.school_class, "Next week", "meeting",
                                       clock.now + timedelta(days=7), clock.now + timedelta(days=7, hours=1))
    db.session.commit()
    with pytest.raises(attendance.SessionNotStarted):
        attendance.save_minutes(school.head, school.school_class, future, "Too early", clock.now)


# ---- archived classes -------------------------------------------------------------------------

def test_archived_class_refuses_every_attendance_write(app, db, school, clock):
    code = current_code(app, school.session.id, clock.now)
    school.school_class.status = "archived"
    db.session.commit()
    member = api_client(app, school.members[0])
    head = api_client(app, school.head)
    assert member.api("POST", "/api/v1/checkin", {"code": code}).status_code == 409
    assert head.api("PUT", f"/api/v1/sessions/{school.session.id}/attendance/member1",
                    {"status": "present"}).status_code == 409
    assert head.api("POST", f"/api/v1/classes/{school.school_class.id}/sessions", {
        "title": "T", "kind": "lecture", "starts_at": "2026-11-25T19:00+08:00",
        "ends_at": "2026-11-25T20:00+08:00"}).status_code == 409
    assert head.api("PATCH", f"/api/v1/sessions/{school.session.id}", {"title": "New"}).status_code == 409
    assert head.get(f"/api/v1/sessions/{school.session.id}/code").status_code == 409
    with pytest.raises(Exception) as raised:
        attendance.save_minutes(school.head, school.school_class, school.session, "x", clock.now)
    assert getattr(raised.value, "code", None) == "class_archived"
    assert records(db) == [] and db.session.get(ClassSession, school.session.id).title == "Lecture 1"
