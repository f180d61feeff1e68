"""The attendance API as declared (api/attendance.py): keyset pages that neither repeat nor skip a
row added before the cursor, and what the models now refuse (naming every field at fault)."""
from __future__ import annotations

from datetime import timedelta

from learnhub.classes.attendance.models import ClassSession
from tests.support.attendance import current_code, records
from tests.support.factories import count, enrol, start_session
from tests.support.web import api_client


def _all_pages(client, url: str, key: str) -> list:
    seen, cursor = [], None
    while True:
        response = client.get(url + (f"&cursor={cursor}" if cursor else ""))
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        seen += [item[key] for item in body["items"]]
        cursor = body["next"]
        if cursor is None:
            return seen


def test_sessions_are_paged_by_keyset_in_time_order(app, db, school, clock):
    for day in (3, 1, 2):
        start_session(school.school_class, f"Day {day}", clock.now + timedelta(days=day),
                      clock.now + timedelta(days=day, hours=1))
    db.session.commit()
    member = api_client(app, school.members[0])
    assert member.api("POST", "/api/v1/checkin", {"code": current_code(app, school.session.id, clock.now)})
    url = f"/api/v1/classes/{school.school_class.id}/sessions?limit=2"
    first = member.get(url).get_json()
    assert [i["title"] for i in first["items"]] == ["Lecture 1", "Day 1"] and first["next"]
    assert first["items"][0]["my_status"] == "present" and first["items"][0]["present_count"] == 1
    assert first["items"][0]["members_count"] == 2 and first["items"][1]["my_status"] is None
    # A session earlier than the cursor, added now, neither repeats nor shifts the rest.
    start_session(school.school_class, "Earlier", clock.now - timedelta(days=1),
                  clock.now - timedelta(days=1) + timedelta(hours=1))
    db.session.commit()
    rest = member.get(f"{url}&cursor={first['next']}").get_json()
    assert [i["title"] for i in rest["items"]] == ["Day 2", "Day 3"] and rest["next"] is None
    assert _all_pages(member, f"/api/v1/classes/{school.school_class.id}/sessions?limit=1", "title") == [
        "Earlier", "Lecture 1", "Day 1", "Day 2", "Day 3"]
    assert member.get(f"{url}&cursor=garbage!").status_code == 400


def test_attendance_is_paged_by_keyset_by_username(app, db, make_user, school):
    head = api_client(app, school.head)
    url = f"/api/v1/sessions/{school.session.id}/attendance?limit=1"
    first = head.get(url).get_json()
    assert [i["username"] for i in first["items"]] == ["member1"] and first["next"]
    enrol(school.school_class, make_user("aaron"))  # sorts before the cursor: not seen, nothing skipped
    db.session.commit()
    rest = head.get(f"{url}&cursor={first['next']}").get_json()
    assert [i["username"] for i in rest["items"]] == ["member2"] and rest["next"] is None
    assert _all_pages(head, url, "username") == ["aaron", "member1", "member2"]


def test_a_bad_session_body_names_every_field_at_fault(app, db, school):
    head = api_client(app, school.head)
    response = head.api("POST", f"/api/v1/classes/{school.school_class.id}/sessions", {
        "title": "x" * 201, "kind": "party", "starts_at": "2026-11-25T19:00", "ends_at": "soon",
        "late_after_minutes": "5", "colour": "red"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_field"
    assert set(error["fields"]) == {"title", "kind", "starts_at", "ends_at", "late_after_minutes", "colour"}
    assert count(ClassSession) == 1


def test_a_change_without_an_offset_or_a_null_title_is_refused(app, db, school):
    head = api_client(app, school.head)
    url = f"/api/v1/sessions/{school.session.id}"
    for change, field in (({"ends_at": "2026-11-25T21:00"}, "ends_at"), ({"title": None}, "title"),
                          ({"kind": None}, "kind"), ({"late_after_minutes": 1.5}, "late_after_minutes")):
        response = head.api("PATCH", url, change)
        assert response.status_code == 422, change
        assert set(response.get_json()["error"]["fields"]) == {field}, response.get_json()
    # The place may be cleared; what was not sent stays as it was.
    cleared = head.api("PATCH", url, {"place": None})
    assert cleared.status_code == 200 and cleared.get_json()["place"] is None
    assert cleared.get_json()["title"] == "Lecture 1" and cleared.get_json()["starts_at"].endswith("Z")


def test_one_mark_names_its_fields_and_check_in_refuses_unknown_keys(app, db, school, clock):
    head = api_client(app, school.head)
    url = f"/api/v1/sessions/{school.session.id}/attendance/member1"
    response = head.api("PUT", url, {"status": "sleeping", "note": 3})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"status", "note"}
    member = api_client(app, school.members[0])
    code = current_code(app, school.session.id, clock.now)
    extra = member.api("POST", "/api/v1/checkin", {"code": code, "x": 1})
    assert extra.status_code == 422 and set(extra.get_json()["error"]["fields"]) == {"x"}
    missing = member.api("POST", "/api/v1/checkin", {"session": school.session.id})
    assert missing.status_code == 422 and set(missing.get_json()["error"]["fields"]) == {"code"}
    assert records(db) == []
    checked = member.api("POST", "/api/v1/checkin", {"code": code}).get_json()
    assert checked["checked_in_at"].endswith("Z") and checked["session"]["phase"] == "running"


def test_the_document_shows_a_mark_and_the_session_times(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    marks = schemas["MarksIn"]["properties"]["marks"]
    assert marks["maxItems"] == 500 and set(marks["items"]["required"]) == {"username", "status"}
    assert schemas["NewSession"]["properties"]["starts_at"]["format"] == "date-time"
    assert set(schemas["NewSession"]["required"]) == {"title", "kind", "starts_at", "ends_at"}
