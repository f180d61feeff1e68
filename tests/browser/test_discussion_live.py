"""Discussions live in a real browser: two members in one thread, each in a browser context of
their own. One replies through the page; the other, with the thread open, sees the reply
appear without a reload (the live poll), and their header badge rise after a mention. A
member's own reply shows at once, with no poll to wait for."""
from __future__ import annotations

from playwright.sync_api import expect

from learnhub.auth import services as auth_services
from learnhub.courses.models import Course
from learnhub.extensions import db
from tests.support.browser import log_in, new_page
from tests.support.discussions import seed_thread
from tests.support.web import PASSWORD

COURSE = {"dc/course.md": "---\ntitle: Discussed course\nsummary: S\n---\nA course.\n",
          "dc/01-intro.md": "---\ntitle: Intro\n---\n## Hi\n"}
# What a reader sees updates within a poll or two; bounded, never a fixed sleep.
LIVE_TIMEOUT_MS = 10_000


def _serve(serve, write_content, **config):
    return serve(CONTENT_DIR=str(write_content(COURSE)), **config)


def _thread(server, *members) -> int:
    """Members with these usernames and a thread on course dc by the first of them."""
    with server.app.app_context():
        users = [auth_services.create_user(name, PASSWORD, "member", display) for name, display in members]
        db.session.commit()
        course_id = db.session.query(Course.id).filter_by(slug="dc").scalar()
        thread = seed_thread(users[0], course_id=course_id, title="三会一课学习心得", body="大家谈谈体会。")
        db.session.commit()
        return thread.id


def _reply(page, text: str) -> None:
    """Write and send a reply through the thread page's reply form, as a member would."""
    page.get_by_label("Your reply").fill(text)
    page.get_by_role("button", name="Reply", exact=True).click()


def _no_reload_marker(page) -> None:
    page.evaluate("window.__sameDocument = true")


def _same_document(page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def test_a_reply_appears_for_the_other_member_and_a_mention_raises_the_badge(serve, browser, write_content):
    server = _serve(serve, write_content, LIVE_POLL_SECONDS=1, NOTIFICATIONS_POLL_SECONDS=1)
    thread_id = _thread(server, ("alice", "李爱丽"), ("bob", "王博"))
    path = f"/threads/{thread_id}"
    alice, alice_errors = new_page(browser)
    bob, bob_errors = new_page(browser)
    log_in(alice, server, "alice", path, PASSWORD)
    log_in(bob, server, "bob", path, PASSWORD)
    badge = bob.locator("[data-notification-count]")
    expect(badge).to_be_hidden()
    _no_reload_marker(bob)

    _reply(alice, "第一条回复：按时参加支部党员大会。")
    expect(alice.locator("main")).to_contain_text("第一条回复：按时参加支部党员大会。")
    expect(bob.locator("main")).to_contain_text("第一条回复：按时参加支部党员大会。", timeout=LIVE_TIMEOUT_MS)
    expect(badge).to_be_hidden()  # a reply to a thread bob does not follow: no notification

    _reply(alice, "@bob 你怎么看党小组会？")
    expect(bob.locator("main")).to_contain_text("你怎么看党小组会？", timeout=LIVE_TIMEOUT_MS)
    expect(badge).to_have_text("1", timeout=LIVE_TIMEOUT_MS)
    expect(badge).to_be_visible()
    assert _same_document(bob), "bob's page reloaded instead of updating in place"

    assert alice_errors == [] and bob_errors == []
    for page in (alice, bob):
        assert page.evaluate("window.__cspViolations") == []
        page.context.close()


def test_a_members_own_reply_appears_at_once(serve, browser, write_content):
    # A poll far longer than the wait: only the reply itself can make the post appear.
    server = _serve(serve, write_content, LIVE_POLL_SECONDS=600, NOTIFICATIONS_POLL_SECONDS=600)
    thread_id = _thread(server, ("carol", "陈卡罗"))
    page, errors = new_page(browser)
    log_in(page, server, "carol", f"/threads/{thread_id}", PASSWORD)

    _reply(page, "我自己的回复，应当马上出现。")
    expect(page.locator("main")).to_contain_text("我自己的回复，应当马上出现。", timeout=5_000)
    # The form is ready for the next reply: empty again.
    expect(page.get_by_label("Your reply")).to_have_value("")

    assert errors == []
    assert page.evaluate("window.__cspViolations") == []
    page.context.close()
