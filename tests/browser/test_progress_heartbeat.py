"""The unit page's heartbeat in a real browser: visible time completes a `view` unit (tick and
progress bar update without a reload); the same time with the page hidden adds nothing; the
end reached completes it once a third of its dwell time is credited."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import func, select

from learnhub.auth import services as auth_services
from learnhub.courses.models import Unit, UnitProgress
from learnhub.extensions import db
from learnhub.progress.models import StudyTime
from tests.support.browser import CHROMIUM_ARGS, CSP_LISTENER  # noqa: F401

PASSWORD = "browser-pass-1"
CONTENT = {
    "h/course.md": "---\ntitle: Heartbeat\nsummary: S\n---\nA course.\n",
    "h/01-short.md": "---\ntitle: Short\ndwell_seconds: 3\n---\n## Text\n\nA few words.\n",
    "h/02-hidden.md": "---\ntitle: Hidden\ndwell_seconds: 3\n---\n## Text\n\nMore words.\n",
    "h/03-manual.md": "---\ntitle: Manual\ncompletion: manual\n---\n## Tick\n",
    "h/04-long.md": "---\ntitle: Long\ndwell_seconds: 30\n---\n## Text\n\n"
                    + "\n\n".join(f"Paragraph {n} of a long unit." for n in range(80)) + "\n",
}
# Before any page script runs: the document reports itself hidden, as a background tab does.
HIDDEN = ("Object.defineProperty(document, 'visibilityState', {get: () => 'hidden'});"
          "Object.defineProperty(document, 'hidden', {get: () => true});")


def _log_in(page, server):
    page.goto(f"{server.url}/login?next=/courses/h")
    page.get_by_label("Username").fill("reader")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/courses/h")


def _state(server, slug):
    with server.app.app_context():
        unit_id = db.session.scalar(select(Unit.id).where(Unit.slug == slug))
        completed = db.session.scalar(select(UnitProgress.completed_at).where(UnitProgress.unit_id == unit_id))
        seconds = db.session.scalar(select(func.coalesce(func.sum(StudyTime.seconds), 0))
                                    .where(StudyTime.unit_id == unit_id))
        return completed, seconds


def test_visible_time_completes_without_reload_hidden_time_adds_nothing(serve, browser, write_content):
    server = serve(CONTENT_DIR=str(write_content(CONTENT)), HEARTBEAT_SECONDS=1)
    with server.app.app_context():
        auth_services.create_user("reader", PASSWORD, "member")
        db.session.commit()

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-US")
    page = context.new_page()
    page.add_init_script(CSP_LISTENER)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _log_in(page, server)
    page.goto(f"{server.url}/courses/h/short")
    loaded_at = page.evaluate("performance.timeOrigin")
    expect(page.locator("[data-progress-bar]")).to_have_attribute("value", "0")
    # Stay past the 3-second dwell time with the page visible: no reload, the page updates.
    expect(page.locator("[data-done-message]")).to_be_visible(timeout=15000)
    expect(page.locator("[data-progress-bar]")).to_have_attribute("value", "25")
    expect(page.locator("[data-progress-text]")).to_have_text("1 of 4 required units")
    assert page.evaluate("performance.timeOrigin") == loaded_at  # the same document
    completed, seconds = _state(server, "short")
    assert completed is not None and seconds >= 3
    assert errors == [] and page.evaluate("window.__cspViolations") == []
    context.close()

    hidden = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-US")
    page = hidden.new_page()
    _log_in(page, server)
    page.add_init_script(HIDDEN)
    page.goto(f"{server.url}/courses/h/hidden")
    assert page.evaluate("document.visibilityState") == "hidden"
    page.wait_for_timeout(5000)   # longer than the dwell time, beats every second if visible
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # 'hidden again'
    page.wait_for_timeout(500)
    expect(page.locator("[data-done-message]")).to_be_hidden()
    completed, seconds = _state(server, "hidden")
    assert completed is None and seconds == 0
    hidden.close()


def test_end_reached_early_completes_after_a_third_of_the_dwell(serve, browser, write_content):
    """Scrolled to the end at once: the page keeps saying so on its beats, and the unit
    completes when a third of its 30-second dwell is credited, well before the whole of it."""
    server = serve(CONTENT_DIR=str(write_content(CONTENT)), HEARTBEAT_SECONDS=1)
    with server.app.app_context():
        auth_services.create_user("reader", PASSWORD, "member")
        db.session.commit()
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-US")
    page = context.new_page()
    _log_in(page, server)
    page.goto(f"{server.url}/courses/h/long")
    page.mouse.move(100, 300)
    page.mouse.wheel(0, 20000)            # a real scroll to the end marker
    page.wait_for_timeout(1500)
    assert _state(server, "long")[0] is None   # the end alone completes nothing
    expect(page.locator("[data-done-message]")).to_be_visible(timeout=25000)
    completed, seconds = _state(server, "long")
    assert completed is not None and 10 <= seconds < 30
    context.close()
