"""QR check-in in real browsers: the staff screen on a laptop, members on a phone."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from playwright.sync_api import expect

from learnhub.auth import services as auth_services
from learnhub.classes.attendance.sessions import create_session
from learnhub.classes.models import Membership
from learnhub.classes.services import create_class
from learnhub.extensions import db
from tests.support.browser import CSP_LISTENER

PASSWORD = "browser-pass-1"
PHONE = {"width": 360, "height": 740}


def setup_class(server) -> int:
    """A head teacher, two members and a session that started five minutes ago."""
    with server.app.app_context():
        head = auth_services.create_user("head", PASSWORD, "staff", "Wang Laoshi")
        members = [auth_services.create_user(name, PASSWORD, "member", name.title()) for name in ("li", "zhao")]
        db.session.commit()
        school_class = create_class(head, "2026 秋季入党积极分子培训班", "QR-2026", date(2026, 9, 1), date(2027, 1, 15))
        for member in members:
            db.session.add(Membership(class_id=school_class.id, user_id=member.id, role="member"))
        now = datetime.now(timezone.utc)
        session = create_session(head, school_class, "Lecture 1", "lecture", now - timedelta(minutes=5),
                                 now + timedelta(hours=2))
        db.session.commit()
        return session.id


def log_in(page, base_url: str, username: str, next_path: str = "/"):
    page.goto(f"{base_url}/login?next={next_path}")
    fill_login(page, username)


def fill_login(page, username: str):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def new_page(browser, viewport):
    context = browser.new_context(viewport=viewport, locale="en-US")
    page = context.new_page()
    page.add_init_script(CSP_LISTENER)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return context, page


def test_staff_screen_member_phone_checks_in_and_the_count_updates(serve, browser):
    server = serve()
    session_id = setup_class(server)
    staff_context, staff = new_page(browser, {"width": 1280, "height": 800})
    phone_context, phone = new_page(browser, PHONE)
    try:
        log_in(staff, server.url, "head")
        staff.goto(f"{server.url}/sessions/{session_id}/qr")
        qr = staff.locator("#qr-code svg.qr-code")
        assert qr.is_visible()
        box = qr.bounding_box()
        assert box["width"] >= 500  # big enough for a projector
        assert staff.locator("#present-count").inner_text() == "0"
        staff.evaluate("window.__notReloaded = true")
        url = staff.locator("#qr-screen").get_attribute("data-url")
        assert url.startswith(f"{server.url}/checkin?c=")

        log_in(phone, server.url, "li")
        phone.goto(url)  # what the camera opens
        outcome = phone.locator("#checkin-outcome")
        outcome.wait_for()
        assert outcome.get_attribute("data-status") == "present"
        assert "checked in" in outcome.inner_text()
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        # The staff screen learns of it by polling, without a reload.
        expect(staff.locator("#present-count")).to_have_text("1", timeout=10_000)
        assert staff.evaluate("window.__notReloaded") is True
        # ... and shows the next code when it rotates (every 15 s).
        first = staff.locator("#qr-screen").get_attribute("data-code")
        expect(staff.locator("#qr-screen")).not_to_have_attribute("data-code", first, timeout=20_000)
        assert staff.locator("#qr-code svg.qr-code").is_visible()
        assert staff.evaluate("window.__notReloaded") is True
        for page in (staff, phone):
            assert page.evaluate("window.__cspViolations") == [] and page.errors == []
    finally:
        staff_context.close()
        phone_context.close()


def test_logged_out_member_scans_logs_in_and_is_present(serve, browser):
    server = serve()
    session_id = setup_class(server)
    staff_context, staff = new_page(browser, {"width": 1280, "height": 800})
    phone_context, phone = new_page(browser, PHONE)
    try:
        log_in(staff, server.url, "head")
        staff.goto(f"{server.url}/sessions/{session_id}/qr")
        url = staff.locator("#qr-screen").get_attribute("data-url")

        phone.goto(url)  # not logged in: the login page, then back to the check-in
        phone.wait_for_url(re.compile(r"/login\?next=/checkin"))
        fill_login(phone, "zhao")
        outcome = phone.locator("#checkin-outcome")
        outcome.wait_for()
        assert outcome.get_attribute("data-status") == "present", outcome.inner_text()
        expect(staff.locator("#present-count")).to_have_text("1", timeout=10_000)
        assert phone.evaluate("window.__cspViolations") == [] and phone.errors == []
    finally:
        staff_context.close()
        phone_context.close()


def inside(box, viewport) -> bool:
    return (box is not None and box["x"] >= 0 and box["y"] >= 0
            and box["x"] + box["width"] <= viewport["width"] + 0.5
            and box["y"] + box["height"] <= viewport["height"] + 0.5)


def test_the_qr_screen_fits_a_projector_without_scrolling(serve, browser):
    """At 1280x720 and 1366x768 (and a portrait phone) the whole code, the short code, the
    count and the title are inside the viewport, and the page does not scroll."""
    server = serve()
    session_id = setup_class(server)
    for viewport in ({"width": 1280, "height": 720}, {"width": 1366, "height": 768}, PHONE):
        context, page = new_page(browser, viewport)
        try:
            log_in(page, server.url, "head")
            page.goto(f"{server.url}/sessions/{session_id}/qr")
            assert page.locator(".site-header").count() == 0  # its own layout, no site menu
            for selector in ("#qr-code svg.qr-code", "#short-code", "#present-count", "#members-count",
                             "#qr-title"):
                assert inside(page.locator(selector).bounding_box(), viewport), (viewport, selector)
            qr = page.locator("#qr-code svg.qr-code").bounding_box()
            if viewport is not PHONE:
                assert qr["width"] >= 0.6 * viewport["height"]  # as large as the room needs
            assert abs(qr["width"] - qr["height"]) < 1
            digits = page.locator("#short-code").get_attribute("data-code")
            assert re.fullmatch(r"[0-9]{6}", digits)
            assert page.evaluate("document.documentElement.scrollHeight") <= viewport["height"]
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            count = page.locator(".qr-count")
            assert count.get_attribute("aria-live") == "polite" and count.get_attribute("aria-atomic") == "true"
            assert page.evaluate("window.__cspViolations") == [] and page.errors == []
        finally:
            context.close()


def test_the_live_count_is_written_only_when_it_changes(serve, browser):
    server = serve()
    session_id = setup_class(server)
    context, page = new_page(browser, {"width": 1280, "height": 720})
    try:
        log_in(page, server.url, "head")
        page.goto(f"{server.url}/sessions/{session_id}/qr")
        page.evaluate("""() => {
            window.__countWrites = 0;
            new MutationObserver((records) => { window.__countWrites += records.length; })
              .observe(document.querySelector('.qr-count'), {childList: true, characterData: true, subtree: true});
        }""")
        with page.expect_response(lambda r: "/qr/state" in r.url):
            pass
        with page.expect_response(lambda r: "/qr/state" in r.url):
            pass
        page.wait_for_timeout(200)
        assert page.evaluate("window.__countWrites") == 0  # two polls, nothing changed, nothing written
        with server.app.app_context():
            from learnhub.classes.attendance.checkin import mark
            from learnhub.classes.attendance.models import ClassSession
            session = db.session.get(ClassSession, session_id)
            from learnhub.classes.services import get_class
            mark(_user("head"), get_class(session.class_id), session, "li", "present")
            db.session.commit()
        expect(page.locator("#present-count")).to_have_text("1", timeout=10_000)
        assert page.evaluate("window.__countWrites") >= 1
        assert page.errors == []
    finally:
        context.close()


def _user(username: str):
    from sqlalchemy import select

    from learnhub.auth.models import User
    return db.session.scalar(select(User).where(User.username == username))


def test_a_member_types_the_short_code_on_a_phone(serve, browser):
    server = serve()
    session_id = setup_class(server)
    staff_context, staff = new_page(browser, {"width": 1366, "height": 768})
    phone_context, phone = new_page(browser, PHONE)
    try:
        log_in(staff, server.url, "head")
        staff.goto(f"{server.url}/sessions/{session_id}/qr")
        log_in(phone, server.url, "zhao", f"/sessions/{session_id}")
        phone.get_by_role("link", name="Check in with the code on the screen").click()
        digits = staff.locator("#short-code").get_attribute("data-code")
        phone.get_by_label("The 6-digit code on the screen").fill(f"{digits[:3]} {digits[3:]}")
        phone.get_by_role("button", name="Check in").click()
        outcome = phone.locator("#checkin-outcome")
        outcome.wait_for()
        assert outcome.get_attribute("data-status") == "present", outcome.inner_text()
        expect(staff.locator("#present-count")).to_have_text("1", timeout=10_000)
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert phone.evaluate("window.__cspViolations") == [] and phone.errors == []
    finally:
        staff_context.close()
        phone_context.close()


def test_the_sign_in_sheet_prints_on_a4_without_the_screen_controls(serve, browser):
    server = serve()
    session_id = setup_class(server)
    context, page = new_page(browser, {"width": 1366, "height": 768})
    try:
        log_in(page, server.url, "head")
        page.goto(f"{server.url}/sessions/{session_id}/sign-in-sheet")
        assert page.get_by_role("button", name="Print").is_visible()  # print.js shows it
        page.emulate_media(media="print")
        assert not page.get_by_role("button", name="Print").is_visible()
        assert not page.get_by_role("link", name="Back to the session").is_visible()
        assert page.locator(".sheet-table tbody tr").count() == 2
        assert page.locator(".sheet-table thead").evaluate("e => getComputedStyle(e).display") == "table-header-group"
        pdf = page.pdf(prefer_css_page_size=True)
        # The first page's MediaBox is A4 (595 x 842 points), from the sheet's @page rule.
        assert re.search(rb"/MediaBox \[0 0 59[45](\.\d+)? 84[12](\.\d+)?\]", pdf), pdf[:2000]
        assert page.errors == []
    finally:
        context.close()
