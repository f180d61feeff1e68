"""Check-in's hot path: a fixed few statements and no ORM object, whatever the path taken
(scanned code, typed code, refused), with the same answers as before."""
from __future__ import annotations

from learnhub.classes.attendance import checkin
from learnhub.classes.attendance.codes import code_for
from tests.support.attendance import current_code, records
from tests.support.orm_loads import orm_loads
from tests.support.web import api_client


def short_code(app, session_id, at):
    with app.test_request_context():
        return code_for(session_id, at).short_code


def _post(client, count_queries, body):
    with count_queries() as statements, orm_loads() as loaded:
        response = client.api("POST", "/api/v1/checkin", body)
    return response, statements, loaded


def test_a_scanned_check_in_is_three_statements_and_no_orm_object(app, db, school, clock, count_queries):
    member = api_client(app, school.members[0])
    response, statements, loaded = _post(member, count_queries, {"code": current_code(app, school.session.id,
                                                                                      clock.now)})
    assert response.status_code == 200, response.get_json()
    # The bearer token's user; the session with the class's status, the role and any record; the insert.
    assert len(statements) == 3, statements
    assert statements[-1].lstrip().upper().startswith("INSERT INTO ATTENDANCE_RECORDS")
    assert loaded == []
    body = response.get_json()
    assert body["status"] == "present" and body["session"]["id"] == school.session.id
    assert body["session"]["title"] == "Lecture 1" and body["session"]["place"] == "Room 101"
    assert body["session"]["url"] == f"/sessions/{school.session.id}" and body["session"]["checkin_open"] is True
    (record,) = records(db)
    assert (record.user_id, record.method, record.status, record.scan_nonce) == (school.members[0].id, "qr",
                                                                                 "present", None)
    assert record.checked_in_at == clock.now and record.updated_at is not None


def test_a_typed_check_in_is_three_statements(app, db, school, clock, count_queries):
    member = api_client(app, school.members[1])
    body = {"session": school.session.id, "code": short_code(app, school.session.id, clock.now)}
    response, statements, loaded = _post(member, count_queries, body)
    assert response.status_code == 200, response.get_json()
    assert len(statements) == 3 and loaded == [], statements


def test_a_refused_check_in_reads_once_and_writes_nothing(app, db, school, clock, count_queries):
    member = api_client(app, school.members[0])
    code = current_code(app, school.session.id, clock.now)
    assert member.api("POST", "/api/v1/checkin", {"code": code}).status_code == 200
    again, statements, loaded = _post(member, count_queries, {"code": code})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_checked_in"
    assert len(statements) == 2 and loaded == [], statements  # the user, the read: no INSERT tried
    staff, statements, _loaded = _post(api_client(app, school.head), count_queries, {"code": code})
    assert staff.status_code == 403 and len(statements) == 2


def test_a_member_marked_by_hand_hears_that_it_is_recorded(app, db, school, clock):
    checkin.mark(school.head, school.school_class, school.session, school.members[0].username, "excused")
    db.session.commit()
    response = api_client(app, school.members[0]).api(
        "POST", "/api/v1/checkin", {"code": current_code(app, school.session.id, clock.now)})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "already_checked_in"
    assert "already recorded" in response.get_json()["error"]["message"]
    (record,) = records(db)
    assert (record.status, record.method) == ("excused", "manual")


def test_an_admin_outside_the_class_sees_the_session_but_does_not_check_in(app, db, make_user, school, clock):
    admin = make_user("root", role="admin")
    typed = {"session": school.session.id, "code": short_code(app, school.session.id, clock.now)}
    response = api_client(app, admin).api("POST", "/api/v1/checkin", typed)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "not_in_class"
    assert records(db) == []


def test_a_late_scan_is_late_and_a_code_of_a_deleted_session_is_invalid(app, db, school, clock):
    from datetime import timedelta

    from learnhub.classes.attendance import sessions as attendance

    clock.advance(minutes=6)  # 11 minutes after the start, late after 10
    member = api_client(app, school.members[0])
    response = member.api("POST", "/api/v1/checkin", {"code": current_code(app, school.session.id, clock.now)})
    assert response.status_code == 200 and response.get_json()["status"] == "late"
    gone = attendance.create_session(school.head, school.school_class, "Gone", "lecture", clock.now,
                                     clock.now + timedelta(hours=1))
    db.session.commit()
    code = current_code(app, gone.id, clock.now)
    db.session.delete(gone)
    db.session.commit()
    response = api_client(app, school.members[1]).api("POST", "/api/v1/checkin", {"code": code})
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_code"
