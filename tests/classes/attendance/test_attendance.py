"""Attendance: sessions, rotating check-in codes, the login round trip, marks, minutes, exports."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from sqlalchemy import func, select

from learnhub.classes.attendance import checkin, sessions as attendance
from learnhub.classes.attendance.codes import NONCE_COOKIE, TICKET_SECONDS, valid_nonce
from learnhub.classes.attendance.models import AttendanceRecord, ClassSession
from learnhub.classes.models import Membership
from learnhub.core.audit import AuditEntry
from tests.support.attendance import current_code, form_ticket, post_checkin, records
from tests.support.web import CSRF_INPUT, api_client, csrf_from, login

# ---- sessions ---------------------------------------------------------------------------------


def test_staff_create_a_session_in_local_time_stored_as_utc(app, db, school):
    head = api_client(app, school.head)
    response = head.api("POST", f"/api/v1/classes/{school.school_class.id}/sessions", {
        "title": "支部大会", "kind": "meeting", "starts_at": "2026-11-25T19:00", "ends_at": "2026-11-25T21:00+08:00",
        "place": "Room 3", "meeting_url": "https://meeting.example.com/j/1", "late_after_minutes": 5})
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


# ---- codes and check-in -----------------------------------------------------------------------

def test_staff_get_the_rotating_code_and_members_do_not(app, db, school, clock):
    head = api_client(app, school.head)
    response = head.get(f"/api/v1/sessions/{school.session.id}/code")
    assert response.status_code == 200
    body = response.get_json()
    assert body["url"].startswith("http://localhost/checkin?c=") and body["code"] in body["url"]
    assert len(body["url"]) < 80  # a small QR code
    assert body["present_count"] == 0 and body["members_count"] == 2
    clock.advance(seconds=15)
    assert head.get(f"/api/v1/sessions/{school.session.id}/code").get_json()["code"] != body["code"]
    assert api_client(app, school.members[0]).get(f"/api/v1/sessions/{school.session.id}/code").status_code == 403
    assert api_client(app, school.grader).get(f"/api/v1/sessions/{school.session.id}/code").status_code == 200
    clock.advance(hours=2)  # the session has ended
    closed = head.get(f"/api/v1/sessions/{school.session.id}/code")
    assert closed.status_code == 409 and closed.get_json()["error"]["code"] == "checkin_closed"


def test_check_in_present_then_again_is_409(app, db, school, clock):
    member = api_client(app, school.members[0])
    code = current_code(app, school.session.id, clock.now)
    response = member.api("POST", "/api/v1/checkin", {"code": code})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "present" and response.get_json()["session"]["id"] == school.session.id
    again = member.api("POST", "/api/v1/checkin", {"code": code})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_checked_in"
    (record,) = records(db)
    assert record.method == "qr" and record.checked_in_at == clock.now


def test_late_after_the_late_minutes(app, db, school, clock):
    clock.advance(minutes=5, seconds=1)  # 10 min 1 s after the start, late after 10
    member = api_client(app, school.members[0])
    response = member.api("POST", "/api/v1/checkin", {"code": current_code(app, school.session.id, clock.now)})
    assert response.get_json()["status"] == "late"


def test_a_scan_exactly_at_the_late_boundary_is_present(app, db, school, clock):
    """Late means after start + late minutes: a scan at that very second is still present."""
    clock.advance(minutes=5)  # exactly 10 minutes after the start, late after 10
    assert clock.now == school.session.starts_at + timedelta(minutes=school.session.late_after_minutes)
    member = api_client(app, school.members[0])
    response = member.api("POST", "/api/v1/checkin", {"code": current_code(app, school.session.id, clock.now)})
    assert response.status_code == 200 and response.get_json()["status"] == "present"
    assert checkin.status_for(school.session, clock.now) == "present"
    assert checkin.status_for(school.session, clock.now + timedelta(microseconds=1)) == "late"


def test_a_code_counts_for_its_step_and_the_next_then_expires(app, db, school, clock):
    code = current_code(app, school.session.id, clock.now)
    clock.advance(seconds=15)  # the next step: still accepted (time to aim the phone)
    first = api_client(app, school.members[0]).api("POST", "/api/v1/checkin", {"code": code})
    assert first.status_code == 200
    clock.advance(seconds=15)  # two steps on: a photographed or forwarded code
    late = api_client(app, school.members[1]).api("POST", "/api/v1/checkin", {"code": code})
    assert late.status_code == 410 and late.get_json()["error"]["code"] == "code_expired"
    assert len(records(db)) == 1


@pytest.mark.parametrize("mangle", [
    lambda c: c[:-1] + ("a" if c[-1] != "a" else "b"),  # forged mac
    lambda c: "9" + c,  # another session id with this mac
    lambda c: c.upper(), lambda c: "", lambda c: "x" * 5000, lambda c: 12, lambda c: None, lambda c: [c],
])
def test_forged_or_malformed_codes_are_422(app, db, school, clock, mangle):
    member = api_client(app, school.members[0])
    code = current_code(app, school.session.id, clock.now)
    response = member.api("POST", "/api/v1/checkin", {"code": mangle(code)})
    assert response.status_code == 422 and response.get_json()["error"]["code"] in ("invalid_code", "invalid_text")
    assert records(db) == []


def test_a_code_is_bound_to_its_session(app, db, school, clock):
    other = attendance.create_session(school.head, school.school_class, "Other", "lecture",
                                      clock.now, clock.now + timedelta(hours=1))
    db.session.commit()
    code = current_code(app, school.session.id, clock.now)
    sid, step, mac = code.split("-")
    swapped = f"{other.id}-{step}-{mac}"
    response = api_client(app, school.members[0]).api("POST", "/api/v1/checkin", {"code": swapped})
    assert response.status_code == 422
    assert records(db) == []


def test_a_member_of_another_class_or_staff_cannot_check_in(app, db, make_user, make_class, school, clock):
    outsider = make_user("outsider")
    make_class(members=[outsider])
    code = current_code(app, school.session.id, clock.now)
    for user in (outsider, school.head, school.grader):
        response = api_client(app, user).api("POST", "/api/v1/checkin", {"code": code})
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "not_in_class"
    assert records(db) == []


def test_a_code_of_an_ended_session_is_refused(app, db, school, clock):
    ended = attendance.create_session(school.head, school.school_class, "Yesterday", "lecture",
                                      clock.now - timedelta(hours=2), clock.now - timedelta(seconds=1))
    early = attendance.create_session(school.head, school.school_class, "Tomorrow", "lecture",
                                      clock.now + timedelta(hours=1), clock.now + timedelta(hours=2))
    db.session.commit()
    member = api_client(app, school.members[0])
    for session in (ended, early):  # a code can be made for it (the key is ours), never used
        response = member.api("POST", "/api/v1/checkin", {"code": current_code(app, session.id, clock.now)})
        assert response.status_code == 410, response.get_json()
    assert records(db) == []


def test_a_concurrent_double_check_in_is_409_not_500(app, db, school, clock, monkeypatch):
    member = api_client(app, school.members[0])
    code = current_code(app, school.session.id, clock.now)
    assert member.api("POST", "/api/v1/checkin", {"code": code}).status_code == 200
    # The second request passed the "already?" read before the first one committed.
    monkeypatch.setattr(checkin, "_record", lambda session_id, user_id: None)
    response = member.api("POST", "/api/v1/checkin", {"code": code})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "already_checked_in"
    assert len(records(db)) == 1


def test_check_in_attempts_are_rate_limited_per_user(make_app, db, make_user, clock):
    from learnhub.classes.services import create_class

    app = make_app(CHECKIN_RATE_LIMIT="3 per minute")
    with app.app_context():
        from learnhub.auth import services as auth_services

        head = auth_services.create_user("rhead", "correct-horse-1", "staff")
        member = auth_services.create_user("rmember", "correct-horse-1", "member")
        db.session.commit()
        from datetime import date

        school_class = create_class(head, "R", "R1", date(2026, 9, 1), date(2027, 1, 1))
        db.session.add(Membership(class_id=school_class.id, user_id=member.id, role="member"))
        db.session.commit()
        client = api_client(app, member)
        statuses = [client.api("POST", "/api/v1/checkin", {"code": f"1-1-{'a' * 13}"}).status_code
                    for _ in range(4)]
    assert statuses == [422, 422, 422, 429]


# ---- the check-in pages and the login round trip ----------------------------------------------

def test_logged_in_member_opens_the_code_url_and_is_present(app, db, school, clock):
    member = api_client(app, school.members[0])
    page = member.get(f"/checkin?c={current_code(app, school.session.id, clock.now)}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="checkin-form"' in html and "js/checkin.js" in html
    clock.advance(seconds=40)  # the code rotated while the page loaded: the scan still counts
    result = post_checkin(member, html)
    assert result.status_code == 200 and 'data-status="present"' in result.get_data(as_text=True)
    again = member.get(f"/checkin?c={current_code(app, school.session.id, clock.now)}")
    assert again.status_code == 409 and "already checked in" in again.get_data(as_text=True)


def test_the_check_in_page_says_why(app, db, make_user, make_class, school, clock):
    outsider = make_user("outsider")
    make_class(members=[outsider])
    code = current_code(app, school.session.id, clock.now)
    page = api_client(app, outsider).get(f"/checkin?c={code}")
    assert page.status_code == 403 and "Only members of this class" in page.get_data(as_text=True)
    member = api_client(app, school.members[0])
    assert member.get("/checkin?c=nonsense").status_code == 422
    assert member.get("/checkin").status_code == 422
    clock.advance(seconds=31)
    expired = member.get(f"/checkin?c={code}")
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)
    assert records(db) == []


def test_logged_out_member_scans_logs_in_and_is_present(app, db, school, clock):
    client = app.test_client()
    scanned = client.get(f"/checkin?c={current_code(app, school.session.id, clock.now)}")
    assert scanned.status_code == 302
    location = urlsplit(scanned.headers["Location"])
    assert location.path == "/login"
    next_url = parse_qs(location.query)["next"][0]
    assert next_url.startswith("/checkin?t=")
    clock.advance(seconds=90)  # typing a password on a phone: the code rotated six times
    logged_in = login(client, school.members[0].username, next_url=next_url.replace("?", "%3F").replace("=", "%3D"))
    assert logged_in.status_code == 302 and unquote(logged_in.headers["Location"]) == next_url
    page = client.get(next_url)
    assert page.status_code == 200
    result = post_checkin(client, page.get_data(as_text=True))
    assert result.status_code == 200 and 'data-status="present"' in result.get_data(as_text=True)
    (record,) = records(db)
    assert record.checked_in_at == clock.now - timedelta(seconds=90)  # when it was scanned


def test_a_scan_ticket_past_its_window_or_in_another_browser_is_refused(app, db, school, clock):
    client = app.test_client()
    scanned = client.get(f"/checkin?c={current_code(app, school.session.id, clock.now)}")
    next_url = parse_qs(urlsplit(scanned.headers["Location"]).query)["next"][0]
    # Forwarded to a friend: their browser has no matching cookie.
    friend = api_client(app, school.members[1])
    assert friend.get(next_url).status_code == 422
    clock.advance(seconds=TICKET_SECONDS + 1)
    assert login(client, school.members[0].username).status_code == 302
    late = client.get(next_url)
    assert late.status_code == 410 and "minutes have passed" in late.get_data(as_text=True)
    assert records(db) == []


def test_check_in_needs_post_and_csrf(app, db, school, clock):
    member = api_client(app, school.members[0])
    html = member.get(f"/checkin?c={current_code(app, school.session.id, clock.now)}").get_data(as_text=True)
    response = member.post("/checkin", data={"ticket": form_ticket(html)})
    assert response.status_code == 400
    assert records(db) == []


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


# ---- the staff QR screen ----------------------------------------------------------------------

def test_qr_page_inline_svg_without_style_and_its_state(app, db, school, clock):
    head = api_client(app, school.head)
    page = head.get(f"/sessions/{school.session.id}/qr")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<svg viewBox=' in html and 'class="qr-code"' in html
    assert "style=" not in html and "<script>" not in html
    state = head.get(f"/sessions/{school.session.id}/qr/state").get_json()
    assert state["open"] and state["present_count"] == 0 and state["svg"].startswith("<svg")
    api_client(app, school.members[0]).api("POST", "/api/v1/checkin", {"code": state["code"]})
    assert head.get(f"/sessions/{school.session.id}/qr/state").get_json()["present_count"] == 1
    assert api_client(app, school.members[0]).get(f"/sessions/{school.session.id}/qr").status_code == 403


# ---- a scan ticket stays with the browser and the person that scanned ---------------------------

def scan_logged_out(app, client, school, clock) -> str:
    """Scan the code before logging in: the ticket URL the login page sends the browser back to."""
    scanned = client.get(f"/checkin?c={current_code(app, school.session.id, clock.now)}")
    assert scanned.status_code == 302
    return parse_qs(urlsplit(scanned.headers["Location"]).query)["next"][0]


def test_a_nonce_the_server_did_not_issue_is_replaced_and_cannot_move_a_ticket(app, db, school, clock):
    agreed = "attacker-chosen-nonce-0001"
    alice = app.test_client()
    alice.set_cookie(NONCE_COOKIE, agreed, path="/checkin")
    next_url = scan_logged_out(app, alice, school, clock)
    issued = alice.get_cookie(NONCE_COOKIE, path="/checkin").value
    assert issued != agreed and valid_nonce(issued)
    with app.test_request_context():
        assert not valid_nonce(agreed) and not valid_nonce(issued[:-1] + ("a" if issued[-1] != "a" else "b"))
    clock.advance(seconds=150)
    bob = api_client(app, school.members[1])  # at home, with the value agreed with Alice
    bob.set_cookie(NONCE_COOKIE, agreed, path="/checkin")
    assert bob.get(next_url).status_code == 422
    assert records(db) == []


def test_a_ticket_scanned_logged_in_serves_only_that_user(app, db, school, clock):
    phone = api_client(app, school.members[0])
    html = phone.get(f"/checkin?c={current_code(app, school.session.id, clock.now)}").get_data(as_text=True)
    ticket = form_ticket(html)
    nonce = phone.get_cookie(NONCE_COOKIE, path="/checkin").value
    other = api_client(app, school.members[1])  # another browser given the same cookie
    other.set_cookie(NONCE_COOKIE, nonce, path="/checkin")
    assert other.get(f"/checkin?t={ticket}").status_code == 422
    token = CSRF_INPUT.search(other.get("/account").get_data(as_text=True)).group(1)
    assert other.post("/checkin", data={"csrf_token": token, "ticket": ticket}).status_code == 422
    assert records(db) == []
    assert post_checkin(phone, html).status_code == 200
    assert [r.user_id for r in records(db)] == [school.members[0].id]


def test_one_browser_scan_checks_in_one_person(app, db, school, clock):
    phone = app.test_client()
    next_url = scan_logged_out(app, phone, school, clock)  # not bound to a user: whoever logs in
    assert login(phone, school.members[0].username).status_code == 302
    page = phone.get(next_url)
    assert post_checkin(phone, page.get_data(as_text=True)).status_code == 200
    clock.advance(seconds=60)
    token = CSRF_INPUT.search(phone.get("/account").get_data(as_text=True)).group(1)
    assert phone.post("/logout", data={"csrf_token": token}).status_code == 302
    assert login(phone, school.members[1].username).status_code == 302  # the same phone, the other account
    again = phone.get(next_url)
    assert again.status_code == 409 and "already checked someone in" in again.get_data(as_text=True)
    token = CSRF_INPUT.search(phone.get("/account").get_data(as_text=True)).group(1)
    forced = phone.post("/checkin", data={"csrf_token": token, "ticket": form_ticket(page.get_data(as_text=True))})
    assert forced.status_code == 409
    rescan = phone.get(f"/checkin?c={current_code(app, school.session.id, clock.now)}")
    assert rescan.status_code == 409
    assert [r.user_id for r in records(db)] == [school.members[0].id]
    assert records(db)[0].scan_nonce == hashlib.sha256(
        phone.get_cookie(NONCE_COOKIE, path="/checkin").value.encode()).hexdigest()


def test_the_database_keeps_a_scan_nonce_to_one_record_per_session(app, db, school):
    from sqlalchemy.exc import IntegrityError

    for member in school.members:
        db.session.add(AttendanceRecord(session_id=school.session.id, user_id=member.id, status="present",
                                        method="qr", scan_nonce="0" * 64))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
