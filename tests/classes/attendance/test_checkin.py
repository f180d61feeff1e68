"""Check-in: rotating codes, the check-in pages and the login round trip, the staff QR screen,
and a scan ticket that stays with the browser and the person that scanned."""
from __future__ import annotations

import dataclasses
import hashlib
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from learnhub.classes.attendance import checkin, sessions as attendance
from learnhub.classes.attendance.codes import NONCE_COOKIE, TICKET_SECONDS, valid_nonce
from learnhub.classes.attendance.models import AttendanceRecord
from learnhub.classes.models import Membership
from tests.support.attendance import current_code, form_ticket, post_checkin, records
from tests.support.web import CSRF_INPUT, api_client, login

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
    read = checkin.checkin_target
    monkeypatch.setattr(checkin, "checkin_target",
                        lambda *args: dataclasses.replace(read(*args), recorded_method=None))
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
