"""A member's first login in the middle of a check-in: the scan ticket outlives a slow first
login (a new password typed on a phone), stays single-use, and the login and new-password
pages say what the scan checks in to."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from learnhub.auth import services as auth_services
from learnhub.classes.attendance import sessions as attendance
from learnhub.classes.attendance.codes import TICKET_SECONDS, code_for, ticket_for
from tests.support.attendance import post_checkin, records
from tests.support.web import csrf_from, login

ONE_TIME = "abcd-efgh-jkmn-pqrs"


@pytest.fixture
def school(app, db, make_user, make_class, clock):
    """A class with two members who must change their password, a session started 5 min ago."""
    members = [make_user(f"member{i}") for i in (1, 2)]
    for member in members:
        auth_services.set_password(member, ONE_TIME, must_change=True)
    school_class = make_class(members=members, name="2026 秋季入党积极分子培训班")
    session = attendance.create_session(school_class.head, school_class, "第一讲 党章学习", "lecture",
                                        clock.now - timedelta(minutes=5), clock.now + timedelta(hours=2),
                                        late_after_minutes=10)
    db.session.commit()
    return school_class, session, members


def scan_logged_out(app, client, session_id, now) -> str:
    """What the phone's camera opens, logged out: the check-in link the login page returns to."""
    with app.test_request_context():
        code = code_for(session_id, now).code
    scanned = client.get(f"/checkin?c={code}")
    assert scanned.status_code == 302 and urlsplit(scanned.headers["Location"]).path == "/login"
    return parse_qs(urlsplit(scanned.headers["Location"]).query)["next"][0]


def test_a_slow_first_login_still_checks_in_at_the_time_of_the_scan(app, db, school, clock):
    _class, session, (member, _other) = school
    phone = app.test_client()
    next_url = scan_logged_out(app, phone, session.id, clock.now)
    scanned_at = clock.now
    login_page = phone.get(f"/login?next={quote(next_url)}").get_data(as_text=True)
    assert "第一讲 党章学习" in login_page and "2026 秋季入党积极分子培训班" in login_page
    clock.advance(minutes=4)  # finding the slip, typing the one-time password
    logged_in = login(phone, member.username, ONE_TIME, next_url=quote(next_url))
    assert logged_in.status_code == 302
    first = logged_in.headers["Location"]
    assert urlsplit(first).path == "/account/first-password"
    assert parse_qs(urlsplit(first).query)["next"] == [next_url]
    assert "第一讲 党章学习" in phone.get(first).get_data(as_text=True)  # still says where to
    clock.advance(minutes=6)  # choosing and typing a new password twice on a phone: 10 minutes in all
    changed = phone.post(first, data={"csrf_token": csrf_from(phone, first),
                                      "new_password": "my-own-secret-9", "confirm": "my-own-secret-9"})
    assert changed.status_code == 302 and changed.headers["Location"] == next_url
    page = phone.get(next_url)
    assert page.status_code == 200, page.get_data(as_text=True)
    result = post_checkin(phone, page.get_data(as_text=True))
    assert result.status_code == 200 and 'data-status="present"' in result.get_data(as_text=True)
    (record,) = records(db)
    assert record.user_id == member.id and record.status == "present"
    assert record.checked_in_at == scanned_at  # present: scanned before the late mark, 10 min ago


def test_the_ticket_stays_single_use_and_expires(app, db, school, clock):
    _class, session, (member, other) = school
    phone = app.test_client()
    next_url = scan_logged_out(app, phone, session.id, clock.now)
    login(phone, member.username, ONE_TIME)
    first = "/account/first-password"
    phone.post(first, data={"csrf_token": csrf_from(phone, first), "new_password": "my-own-secret-9",
                            "confirm": "my-own-secret-9"})
    assert post_checkin(phone, phone.get(next_url).get_data(as_text=True)).status_code == 200
    # The same phone, another account, the same ticket: one browser's scan checks in one person.
    phone.post("/logout", data={"csrf_token": csrf_from(phone, "/account")})
    auth_services.set_password(db.session.get(type(other), other.id), "other-secret-9")
    db.session.commit()
    login(phone, other.username, "other-secret-9")
    assert phone.get(next_url).status_code == 409
    assert [r.user_id for r in records(db)] == [member.id]
    # A fresh phone that waited past the ticket's lifetime scans again.
    late_phone = app.test_client()
    late_url = scan_logged_out(app, late_phone, session.id, clock.now)
    clock.advance(seconds=TICKET_SECONDS + 1)
    assert "第一讲" not in late_phone.get(f"/login?next={quote(late_url)}").get_data(as_text=True)
    login(late_phone, other.username, "other-secret-9")
    assert late_phone.get(late_url).status_code == 410


def test_the_login_page_names_a_session_only_for_a_genuine_ticket(app, db, school, clock):
    _class, session, _members = school
    client = app.test_client()
    with app.test_request_context():
        genuine = ticket_for(session.id, clock.now, "any-nonce")
        bound = ticket_for(session.id, clock.now, "any-nonce", user_id=7)  # scanned logged in: not here
    forged = re.sub(r"-[a-z2-7]{13}$", "-" + "a" * 13, genuine)
    assert "第一讲" in client.get(f"/login?next={quote('/checkin?t=' + genuine)}").get_data(as_text=True)
    for next_url in (f"/checkin?t={forged}", f"/checkin?t={bound}", "/checkin?t=1-2-3",
                     f"/elsewhere?t={genuine}", f"//evil.example/checkin?t={genuine}", "/checkin"):
        page = client.get(f"/login?next={quote(next_url)}")
        assert page.status_code == 200 and "checkin-destination" not in page.get_data(as_text=True), next_url
