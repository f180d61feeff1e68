"""The assignment writing page in a real browser: a member's draft autosaves, survives a reload,
and text typed offline is kept on the device and reaches the server when the connection returns."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from playwright.sync_api import expect
from sqlalchemy import select

from learnhub.auth import services as auth_services
from learnhub.classes.models import Membership
from learnhub.classes.services import create_class
from learnhub.extensions import db
from learnhub.grading.assignments.models import Submission
from learnhub.grading.assignments.services import create_assignment
from tests.support.browser import PASSWORD, log_in, new_page


def _setup(server) -> tuple[int, int]:
    with server.app.app_context():
        head = auth_services.create_user("head", PASSWORD, "staff")
        member = auth_services.create_user("writer", PASSWORD, "member")
        db.session.commit()
        school_class = create_class(head, "2026 秋季入党积极分子培训班", "B-2026", date(2026, 9, 1), date(2027, 1, 15),
                                    course_slugs=[])
        db.session.add(Membership(class_id=school_class.id, user_id=member.id, role="member"))
        assignment = create_assignment(head, school_class, "学习心得", "写一篇**心得体会**。", "reflection",
                                       datetime.now(timezone.utc) + timedelta(days=3), 100, 10)
        db.session.commit()
        return assignment.id, member.id


def _stored(server):
    with server.app.app_context():
        row = db.session.scalar(select(Submission))
        return None if row is None else (row.state, row.body)


def test_draft_autosaves_survives_reload_and_offline_typing(serve, browser):
    server = serve()
    assignment_id, member_id = _setup(server)
    key = f"learnhub-assignment-{assignment_id}-{member_id}"
    page, errors = new_page(browser)
    context = page.context
    log_in(page, server, "writer", f"/assignments/{assignment_id}")

    body = page.locator("textarea[name=body]")
    body.fill("今天学习了 党章")
    expect(page.locator("#char-count")).to_have_text("7 of at least 10 characters")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved", timeout=10000)
    expect(page.locator("#save-status")).to_contain_text("Saved ")
    assert _stored(server) == ("draft", "今天学习了 党章")

    page.reload()
    expect(page.locator("textarea[name=body]")).to_have_value("今天学习了 党章")

    # The connection drops: the text is kept on the device, then reaches the server.
    context.set_offline(True)
    page.locator("textarea[name=body]").fill("今天学习了 党章，体会很深。")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "offline", timeout=10000)
    expect(page.locator("#save-status")).to_have_text("Offline, kept on this device")
    assert "体会很深" in page.evaluate(f"localStorage.getItem('{key}')")
    assert _stored(server) == ("draft", "今天学习了 党章")
    context.set_offline(False)
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved", timeout=15000)
    assert _stored(server) == ("draft", "今天学习了 党章，体会很深。")
    assert page.evaluate(f"localStorage.getItem('{key}')") is None

    # Submit through the page: the state moves on and the page says so.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Until it is graded you may change the text")).to_be_visible(timeout=10000)
    assert _stored(server)[0] == "submitted"
    assert errors == [] and page.evaluate("window.__cspViolations") == []
    context.close()
