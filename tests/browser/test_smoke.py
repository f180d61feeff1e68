"""A member on a phone-sized screen logs in, opens a course and a unit."""
from __future__ import annotations

from learnhub.auth import services as auth_services
from learnhub.extensions import db

PASSWORD = "browser-pass-1"


def csp_violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations")


def test_member_logs_in_and_reads_a_unit_at_360px(live_server, phone_page):
    with live_server.app.app_context():
        auth_services.create_user("mobile", PASSWORD, "member", "Mobile Member")
        db.session.commit()
    page = phone_page
    page.goto(f"{live_server.url}/courses/party-building-online")
    assert "/login" in page.url  # sent to log in first, then back
    page.get_by_label("Username").fill("mobile")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/courses/party-building-online")
    assert page.get_by_role("heading", level=1).inner_text() == "Party Building in the Network Era"
    assert csp_violations(page) == []

    page.get_by_role("link", name="Why party work moves online").first.click()
    page.wait_for_url("**/courses/party-building-online/why-online")
    assert page.locator("article.unit h1").inner_text().startswith("Why party work moves online")
    assert page.locator(".toc a").count() >= 2
    image = page.locator(".prose img").first
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    # Nothing wider than the screen: the page does not scroll sideways at 360 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.keyboard.press("Tab")  # the skip link is the first focus stop and is visible
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert csp_violations(page) == []
    assert page.console_errors == []
