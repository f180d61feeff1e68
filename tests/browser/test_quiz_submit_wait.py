"""Submitting while a save is still on its way: the submit waits for it, the answer counts.

A slow phone link is played by holding one save request in Playwright (it reaches the
server only when released), so a submit that does not wait would overtake it.
"""
from __future__ import annotations

from datetime import datetime, timezone

from playwright.sync_api import expect
from sqlalchemy import select

from learnhub.extensions import db
from learnhub.quizzes.models import Answer, Attempt
from tests.support.browser import QUIZ, start_quiz

SAVES = "**/api/v1/attempts/*/answers/*"
HOLD_MS = 5000


def hold_next_save(page) -> list:
    """Hold the next save request (not sent on); later ones pass. Returns the held routes."""
    held = []

    def handler(route):
        if not held:
            held.append(route)  # left pending: released by the test with continue_()
        else:
            route.continue_()

    page.route(SAVES, handler)
    return held


def wait_until_held(page, held):
    for _ in range(100):
        if held:
            return
        page.wait_for_timeout(50)
    raise AssertionError("the save request was never sent")


def release(route):
    """Send the held save on. If the page has moved on (the submit did not wait), it is gone."""
    try:
        route.continue_()
    except Exception:  # noqa: BLE001 - Playwright's error for a request the page abandoned
        pass


def observe(page, server) -> tuple[str, str]:
    """The page's save status and the attempt's state in the database, right now."""
    status = page.locator("#save-status")
    text = status.inner_text(timeout=1000) if status.count() else ""
    return text, graded(server)[0].state


def wait_past_deadline(page, server, ms: int):
    deadline = graded(server)[0].deadline
    left = (deadline - datetime.now(timezone.utc)).total_seconds() * 1000
    page.wait_for_timeout(max(0, left) + ms)


def graded(server):
    with server.app.app_context():
        attempt = db.session.scalar(select(Attempt))
        answers = db.session.scalars(select(Answer).where(Answer.attempt_id == attempt.id)).all()
        db.session.expunge_all()
        return attempt, {type(a.response).__name__: a.response for a in answers}


def test_submit_waits_for_a_slow_save(serve, phone_page, write_content):
    page = phone_page
    server = start_quiz(serve, page, write_content, QUIZ.replace("time_limit: 10s", "time_limit: 5m"))
    status = page.locator("#save-status")
    page.get_by_label("Beijing").check()
    expect(status).to_have_attribute("data-state", "saved")

    held = hold_next_save(page)
    page.get_by_label("True").check()
    wait_until_held(page, held)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit answers").click()  # at once, the save still in flight

    page.wait_for_timeout(HOLD_MS)
    while_held = observe(page, server)
    release(held[0])
    page.wait_for_selector("text=Score:", timeout=15000)
    attempt, answers = graded(server)
    assert answers.get("bool") is True, "the answer whose save was in flight is lost"
    assert attempt.state == "submitted" and attempt.finished_by == "member"
    assert attempt.score == 2.0 and attempt.times_graded == 1
    # Meanwhile the page said so, and the submit had not overtaken the save.
    assert while_held == ("Saving your last answers…", "in_progress")
    assert page.evaluate("window.__cspViolations") == []
    assert page.console_errors == []


def test_timer_submit_waits_for_a_slow_save(serve, phone_page, write_content):
    page = phone_page
    # Saves count until the deadline + grace: a save held past the deadline is still in time.
    server = start_quiz(serve, page, write_content,
                        QUIZ.replace("time_limit: 10s", "time_limit: 8s").replace("grace: 5s", "grace: 30s"))
    status = page.locator("#save-status")
    page.get_by_label("Beijing").check()
    expect(status).to_have_attribute("data-state", "saved")

    held = hold_next_save(page)
    page.get_by_label("True").check()
    wait_until_held(page, held)
    wait_past_deadline(page, server, HOLD_MS)  # the countdown reached zero some seconds ago
    while_held = observe(page, server)
    release(held[0])
    page.wait_for_selector("text=Score:", timeout=15000)
    attempt, answers = graded(server)
    assert answers.get("bool") is True, "the answer whose save was in flight is lost"
    assert attempt.state == "submitted" and attempt.finished_by == "timer"
    assert attempt.score == 2.0 and attempt.times_graded == 1
    assert while_held == ("Saving your last answers…", "in_progress")
    assert page.console_errors == []


def test_a_save_too_late_for_the_server_ends_the_wait(serve, phone_page, write_content):
    """Held past the deadline + grace: the server says 409, the page shows the result."""
    page = phone_page
    server = start_quiz(serve, page, write_content,
                        QUIZ.replace("time_limit: 10s", "time_limit: 6s").replace("grace: 5s", "grace: 1s"))
    page.get_by_label("Beijing").check()
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")

    held = hold_next_save(page)
    page.get_by_label("True").check()
    wait_until_held(page, held)
    wait_past_deadline(page, server, 3000)  # past the deadline + grace
    held[0].continue_()  # answered with 409 attempt_closed
    page.wait_for_selector("text=Score:", timeout=15000)
    attempt, answers = graded(server)
    assert attempt.state == "submitted" and attempt.score == 1.0 and "bool" not in answers


def test_submit_while_saves_fail_keeps_retrying_then_submits(serve, phone_page, write_content):
    """No connection for saves: the submit waits, the retry state shows, the answer stays kept."""
    page = phone_page
    server = start_quiz(serve, page, write_content, QUIZ.replace("time_limit: 10s", "time_limit: 5m"))
    status = page.locator("#save-status")
    page.get_by_label("Beijing").check()
    expect(status).to_have_attribute("data-state", "saved")

    page.route(SAVES, lambda route: route.abort("internetdisconnected"))
    page.get_by_label("True").check()
    expect(status).to_have_attribute("data-state", "retrying")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_timeout(2500)
    expect(status).to_have_attribute("data-state", "retrying")
    kept = page.evaluate("() => Object.keys(localStorage).filter(k => /^learnhub-attempt-\\d+$/.test(k))"
                         ".map(k => Object.keys(JSON.parse(localStorage.getItem(k))).length)")
    assert kept == [1]
    assert graded(server)[0].state == "in_progress"

    page.unroute(SAVES)  # the connection is back: the retry saves it, then the submit goes
    page.wait_for_selector("text=Score:", timeout=20000)
    attempt, answers = graded(server)
    assert answers.get("bool") is True and attempt.score == 2.0 and attempt.finished_by == "member"
