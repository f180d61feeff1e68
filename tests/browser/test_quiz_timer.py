"""A member takes a 10-second quiz on a phone: autosave survives a dropped save, the timer submits."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from learnhub.extensions import db
from learnhub.quizzes.models import Answer, Attempt
from tests.support.browser import QUIZ, start_quiz


def test_timer_submits_and_no_answer_is_lost(serve, phone_page, write_content):
    page = phone_page
    server = start_quiz(serve, page, write_content, QUIZ)
    status = page.locator("#save-status")

    page.get_by_label("Beijing").check()
    expect(status).to_have_attribute("data-state", "saved")

    # Cut the connection for exactly one save, then let the retries through.
    dropped = []

    def drop_first(route):
        if not dropped:
            dropped.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/v1/attempts/*/answers/*", drop_first)
    page.get_by_label("True").check()
    expect(status).to_have_attribute("data-state", "retrying")
    assert "retrying" in status.inner_text()
    kept = page.evaluate("() => Object.keys(localStorage).filter(k => /^learnhub-attempt-\\d+$/.test(k))"
                         ".map(k => Object.keys(JSON.parse(localStorage.getItem(k))).length)")
    assert kept == [1]  # the unsent answer is kept on the device while the server is away
    expect(status).to_have_attribute("data-state", "saved", timeout=8000)
    assert len(dropped) == 1

    # Nobody clicks submit: the countdown does it at zero and the result page appears.
    page.wait_for_selector("text=Score:", timeout=20000)
    # The one dropped save is the only error the browser logged.
    assert [e for e in page.console_errors if "ERR_CONNECTION_RESET" not in e] == []
    assert len(page.console_errors) <= 1
    assert page.evaluate("window.__cspViolations") == []

    with server.app.app_context():
        attempt = db.session.scalar(select(Attempt))
        answers = db.session.scalars(select(Answer).where(Answer.attempt_id == attempt.id)).all()
        assert attempt.state == "submitted" and attempt.finished_by == "timer"
        assert attempt.times_graded == 1 and attempt.score == 2.0
        assert sorted(type(a.response).__name__ for a in answers) == ["bool", "str"]


def test_answers_kept_offline_are_sent_when_the_page_is_reopened(serve, phone_page, write_content):
    page = phone_page
    server = start_quiz(serve, page, write_content, QUIZ.replace("time_limit: 10s", "time_limit: 5m"))
    attempt_url = page.url

    page.route("**/api/v1/attempts/*/answers/*", lambda route: route.abort("internetdisconnected"))
    page.get_by_label("Beijing").check()
    expect(page.locator("#save-status")).to_have_attribute("data-state", "retrying")
    page.goto("about:blank")  # the tab is closed before the connection came back
    page.unroute("**/api/v1/attempts/*/answers/*")
    with server.app.app_context():
        assert db.session.scalar(select(Answer)) is None  # nothing reached the server yet

    page.goto(attempt_url)  # reopened: the kept answer is shown and sent
    expect(page.get_by_label("Beijing")).to_be_checked()
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")
    with server.app.app_context():
        answer = db.session.scalar(select(Answer))
        assert answer is not None and isinstance(answer.response, str)
