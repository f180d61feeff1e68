"""A member's very first login, started by scanning the check-in code on a phone: the login
page says what the scan checks in to, the one focused step asks only for a new password,
and the member ends up present."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from learnhub.auth import services as auth_services
from learnhub.classes.attendance.codes import code_for
from learnhub.classes.attendance.models import AttendanceRecord
from learnhub.classes.attendance.sessions import create_session
from learnhub.classes.models import Membership
from learnhub.classes.services import create_class
from learnhub.extensions import db
from tests.support.browser import CSP_LISTENER

ONE_TIME = "k7rm-2xqa-9hdf-tw3e"  # as printed on the member's slip
PHONE = {"width": 390, "height": 844}


def setup_session(server) -> tuple[int, int]:
    """A class with a member fresh from a roster slip and a session that started 5 minutes ago."""
    with server.app.app_context():
        head = auth_services.create_user("head", "head-pass-123", "staff", "Wang Laoshi")
        member = auth_services.create_user("2025001", ONE_TIME, "member", "Zhao Xinren", must_change=True)
        db.session.commit()
        school_class = create_class(head, "2026 秋季入党积极分子培训班", "FL-2026", date(2026, 9, 1), date(2027, 1, 15))
        db.session.add(Membership(class_id=school_class.id, user_id=member.id, role="member"))
        now = datetime.now(timezone.utc)
        session = create_session(head, school_class, "第一讲 党章学习", "lecture", now - timedelta(minutes=5),
                                 now + timedelta(hours=2))
        db.session.commit()
        return session.id, member.id


def qr_link(server, session_id: int) -> str:
    """What the QR code on the projector encodes at this moment."""
    with server.app.test_request_context():
        return f"{server.url}/checkin?c={code_for(session_id, datetime.now(timezone.utc)).code}"


def test_logged_out_phone_scans_sets_its_first_password_and_is_present(serve, browser):
    server = serve()
    session_id, member_id = setup_session(server)
    context = browser.new_context(viewport=PHONE, locale="en-US", is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.add_init_script(CSP_LISTENER)
    errors = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    try:
        phone.goto(qr_link(server, session_id))  # what the camera opens, logged out
        phone.wait_for_url(re.compile(r"/login\?next=/checkin"))
        destination = phone.locator("#checkin-destination")
        assert "第一讲 党章学习" in destination.inner_text()
        assert "2026 秋季入党积极分子培训班" in destination.inner_text()
        phone.get_by_label("Username").fill("2025001")
        phone.get_by_label("Password").fill(ONE_TIME)
        phone.get_by_role("button", name="Log in").click()

        # One focused step: the new password twice, where the scan goes next, nothing else.
        phone.wait_for_url(re.compile(r"/account/first-password\?next=/checkin"))
        assert phone.locator("#checkin-destination").is_visible()
        assert phone.locator("main input[type=password]").count() == 2
        assert phone.locator(".nav-links").count() == 0
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        phone.get_by_label("New password", exact=True).fill("my-own-secret-9")
        phone.get_by_label("Repeat the new password").fill("my-own-secret-9")
        phone.get_by_role("button", name="Save my password and go on").click()

        outcome = phone.locator("#checkin-outcome")
        outcome.wait_for()
        assert outcome.get_attribute("data-status") == "present", outcome.inner_text()
        assert "Other sessions were logged out" not in phone.content()
        assert phone.evaluate("window.__cspViolations") == [] and errors == []
        with server.app.app_context():
            record = db.session.query(AttendanceRecord).filter_by(session_id=session_id).one()
            assert (record.user_id, record.status, record.method) == (member_id, "present", "qr")
            assert auth_services.authenticate("2025001", "my-own-secret-9").must_change_password is False
    finally:
        context.close()
