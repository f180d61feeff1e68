"""The 6-digit short code beside the QR code: the API, the member's typed-code page, its
window, and the rate limit on guessing it (per user and session, page and API together)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from learnhub.classes.attendance import sessions as attendance
from learnhub.classes.attendance.codes import code_for
from learnhub.classes.models import Membership
from tests.support.attendance import records
from tests.support.web import CSRF_INPUT, api_client


def short_code(app, session_id, at):
    with app.test_request_context():
        return code_for(session_id, at).short_code


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_staff_get_a_six_digit_short_code_that_rotates_with_the_code(app, db, school, clock):
    head = api_client(app, school.head)
    body = head.get(f"/api/v1/sessions/{school.session.id}/code").get_json()
    assert len(body["short_code"]) == 6 and body["short_code"].isdigit()
    assert body["short_code"] == short_code(app, school.session.id, clock.now)
    clock.advance(seconds=15)
    later = head.get(f"/api/v1/sessions/{school.session.id}/code").get_json()
    assert later["code"] != body["code"]
    # 10^6 values: two steps agree once in a million; these steps are fixed by the test clock.
    assert later["short_code"] != body["short_code"]
    state = head.get(f"/sessions/{school.session.id}/qr/state").get_json()
    assert state["short_code"] == later["short_code"]


def test_check_in_with_the_short_code_through_the_api(app, db, school, clock):
    member = api_client(app, school.members[0])
    code = short_code(app, school.session.id, clock.now)
    response = member.api("POST", "/api/v1/checkin", {"session": school.session.id, "code": code})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "present"
    (record,) = records(db)
    assert record.method == "qr" and record.checked_in_at == clock.now
    again = member.api("POST", "/api/v1/checkin", {"session": school.session.id, "code": code})
    assert again.status_code == 409


def test_a_short_code_is_valid_for_its_window_only(app, db, school, clock):
    code = short_code(app, school.session.id, clock.now)
    clock.advance(seconds=15)  # the next step: still accepted, as the QR code is
    first = api_client(app, school.members[0]).api(
        "POST", "/api/v1/checkin", {"session": school.session.id, "code": code})
    assert first.status_code == 200
    clock.advance(seconds=15)  # two steps on: refused, and not told apart from a wrong code
    late = api_client(app, school.members[1]).api(
        "POST", "/api/v1/checkin", {"session": school.session.id, "code": code})
    assert late.status_code == 422 and late.get_json()["error"]["code"] == "invalid_code"
    assert len(records(db)) == 1


def test_a_short_code_is_bound_to_its_session(app, db, school, clock):
    other = attendance.create_session(school.head, school.school_class, "Other", "lecture",
                                      clock.now, clock.now + timedelta(hours=1))
    db.session.commit()
    code = short_code(app, school.session.id, clock.now)
    response = api_client(app, school.members[0]).api("POST", "/api/v1/checkin", {"session": other.id, "code": code})
    assert response.status_code == 422 and records(db) == []


@pytest.mark.parametrize("body", [
    {"session": "1", "code": "123456"}, {"session": True, "code": "123456"}, {"session": None, "code": "123456"},
    {"session": 0, "code": "123456"}, {"session": 2 ** 40, "code": "123456"}, {"session": 1.5, "code": "123456"},
    {"session": "{sid}", "code": "12345"}, {"session": "{sid}", "code": "1234567"},
    {"session": "{sid}", "code": 123456}, {"session": "{sid}", "code": "12345a"}, {"session": "{sid}", "code": "123456\n"},
    {"session": "{sid}", "code": "１２３４５６"}, {"session": "{sid}"}, {"session": "{sid}", "code": "123456", "x": 1},
])
def test_malformed_short_code_bodies_are_422(app, db, school, clock, body):
    body = {k: (school.session.id if v == "{sid}" else v) for k, v in body.items()}
    response = api_client(app, school.members[0]).api("POST", "/api/v1/checkin", body)
    assert response.status_code == 422, (body, response.get_json())
    assert records(db) == []


def test_who_may_check_in_with_a_short_code(app, db, make_user, make_class, school, clock):
    outsider = make_user("outsider")
    make_class(members=[outsider])
    body = {"session": school.session.id, "code": short_code(app, school.session.id, clock.now)}
    assert api_client(app, outsider).api("POST", "/api/v1/checkin", body).status_code == 404
    for staff in (school.head, school.grader):
        response = api_client(app, staff).api("POST", "/api/v1/checkin", body)
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "not_in_class"
    missing = api_client(app, school.members[0]).api("POST", "/api/v1/checkin", {**body, "session": 999_999})
    assert missing.status_code == 404
    clock.advance(hours=2)  # ended: closed, whatever the code
    ended = api_client(app, school.members[0]).api(
        "POST", "/api/v1/checkin", {"session": school.session.id,
                                    "code": short_code(app, school.session.id, clock.now)})
    assert ended.status_code == 410
    assert records(db) == []


# ---- guessing is rate limited per user and session --------------------------------------------

@pytest.fixture
def limited(make_app, db, clock):
    """An app with a short-code limit of 3 a minute, a class of two members and two sessions."""
    from learnhub.auth import services as auth_services
    from learnhub.classes.services import create_class

    app = make_app(CHECKIN_SHORT_CODE_RATE_LIMIT="3 per minute", CHECKIN_RATE_LIMIT="100 per minute")
    with app.app_context():
        head = auth_services.create_user("lhead", "correct-horse-1", "staff")
        members = [auth_services.create_user(f"lmember{i}", "correct-horse-1", "member") for i in (1, 2)]
        db.session.commit()
        school_class = create_class(head, "L", "L1", date(2026, 9, 1), date(2027, 1, 1))
        for member in members:
            db.session.add(Membership(class_id=school_class.id, user_id=member.id, role="member"))
        sessions = [attendance.create_session(head, school_class, f"S{i}", "lecture", clock.now,
                                              clock.now + timedelta(hours=1)) for i in (1, 2)]
        db.session.commit()
        yield app, members, [s.id for s in sessions]


def test_short_code_guesses_are_limited_per_user_and_session(limited, db, clock):
    app, members, (first, second) = limited
    with app.app_context():
        guesser = api_client(app, members[0])
        code = short_code(app, first, clock.now)
        guesses = [guesser.api("POST", "/api/v1/checkin", {"session": first, "code": wrong(code)}).status_code
                   for _ in range(3)]
        # The right code now is refused too: the budget for this session is spent ...
        blocked = guesser.api("POST", "/api/v1/checkin", {"session": first, "code": code})
        # ... and spelling the session another way on the page buys no fresh budget.
        page = guesser.get(f"/checkin/code?session={first}").get_data(as_text=True)
        form = guesser.post("/checkin/code", data={"csrf_token": CSRF_INPUT.search(page).group(1),
                                                   "session": f"0{first}", "code": code})
        # Another session, another member: their own budgets.
        other_session = guesser.api("POST", "/api/v1/checkin",
                                    {"session": second, "code": short_code(app, second, clock.now)})
        other_member = api_client(app, members[1]).api("POST", "/api/v1/checkin", {"session": first, "code": code})
        # Scanned codes are not counted against typed ones.
        assert guesses == [422, 422, 422]
        assert blocked.status_code == 429 and blocked.get_json()["error"]["code"] == "rate_limited"
        assert form.status_code == 429
        assert other_session.status_code == 200 and other_member.status_code == 200
        statuses = {(r.session_id, r.user_id) for r in records(db)}
        assert statuses == {(second, members[0].id), (first, members[1].id)}


# ---- the member's page: type the code ----------------------------------------------------------

def test_a_member_types_the_code_on_the_page(app, db, school, clock):
    member = api_client(app, school.members[0])
    session_page = member.get(f"/sessions/{school.session.id}").get_data(as_text=True)
    assert f"/checkin/code?session={school.session.id}" in session_page
    page = member.get("/checkin/code").get_data(as_text=True)
    assert "Lecture 1" in page and 'name="session"' in page  # one session running: implied
    code = short_code(app, school.session.id, clock.now)
    spaced = f"{code[:3]} {code[3:]}".translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    response = member.post("/checkin/code", data={"csrf_token": CSRF_INPUT.search(page).group(1),
                                                  "session": str(school.session.id), "code": spaced})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-status="present"' in html, html
    assert [r.method for r in records(db)] == ["qr"]


def test_the_page_offers_the_sessions_running_now_and_says_why_not(app, db, make_class, school, clock):
    member = school.members[0]
    second = attendance.create_session(school.head, school.school_class, "Branch meeting", "meeting",
                                       clock.now + timedelta(minutes=20), clock.now + timedelta(hours=1))
    attendance.create_session(school.head, school.school_class, "Tomorrow", "lecture",
                              clock.now + timedelta(days=1), clock.now + timedelta(days=1, hours=1))
    make_class(members=[])  # another class's session is never offered
    db.session.commit()
    client = api_client(app, member)
    page = client.get("/checkin/code").get_data(as_text=True)
    assert "<select" in page and "Lecture 1" in page and "Branch meeting" in page and "Tomorrow" not in page
    token = CSRF_INPUT.search(page).group(1)
    bad = client.post("/checkin/code", data={"csrf_token": token, "session": str(second.id), "code": "000000"})
    text = bad.get_data(as_text=True)
    code = short_code(app, second.id, clock.now)
    assert bad.status_code == 200 and ("not the code on the screen" in text or code == "000000")
    not_offered = client.post("/checkin/code", data={"csrf_token": token, "session": "999999",
                                                     "code": short_code(app, 999999, clock.now)})
    assert not_offered.status_code == 200 and records(db) == []
    clock.advance(hours=2)  # both have ended
    assert "None of your classes has a session taking check-ins now" in client.get("/checkin/code").get_data(as_text=True)


def test_staff_are_offered_nothing_to_type(app, db, school, clock):
    page = api_client(app, school.head).get("/checkin/code").get_data(as_text=True)
    assert "None of your classes has a session taking check-ins now" in page
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 4
