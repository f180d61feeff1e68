"""Accepting a near-miss answer in a browser, on a 390 px phone and a 1366 px laptop in Chinese:
the near-miss list, the preview ("x of y attempts change" with each old and new score) and the
apply; the page never scrolls sideways. REGRADE_SHOTS=<dir> saves a screenshot of each step."""
from __future__ import annotations

import os
import re

import pytest

from learnhub.auth import services as auth_services
from learnhub.core.types import utcnow
from learnhub.courses.index import content_index
from learnhub.extensions import db
from learnhub.quizzes import attempts as rules
from learnhub.quizzes.loader import get_quiz_catalog

PASSWORD = "browser-pass-1"
COURSE, QUIZ = "party-building-online", "check-your-understanding"
PAGE = f"/courses/{COURSE}/quizzes/{QUIZ}/responses"


def seed(app) -> None:
    """Five members answered the short question: three 'the server clock', two 'Beijing time'."""
    with app.app_context():
        auth_services.create_user("teacher", PASSWORD, "instructor")
        course = content_index().course(COURSE)
        quiz = get_quiz_catalog().get(COURSE, QUIZ)
        for i, (name, response) in enumerate([("王小明", "the server clock"), ("李华", "The server  clock"),
                                              ("张伟", "the server clock"), ("刘洋", "Beijing time"),
                                              ("陈静", "beijing time")]):
            user = auth_services.create_user(f"m{i}", PASSWORD, "member", name)
            attempt, _created = rules.start_attempt(user, course, quiz, utcnow())
            short = next(q for q in attempt.questions if q.snapshot["type"] == "short")
            rules.save_answer(attempt, short, response, utcnow())
            rules.submit_attempt(attempt, utcnow())
        db.session.commit()


def no_sideways_scroll(page) -> None:
    sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sizes[0] <= sizes[1], sizes


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)], ids=["laptop", "phone"])
def test_accept_a_near_miss_in_chinese(serve, browser, width, height):
    server = serve()
    seed(server.app)
    shots = os.environ.get("REGRADE_SHOTS")
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.url}/login?next={PAGE}")
    page.fill("input[name=username]", "teacher")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(f"**{PAGE}")
    assert page.get_by_text("×3").count() == 1 and page.get_by_text("×2").count() == 1
    no_sideways_scroll(page)
    if shots:
        page.screenshot(path=f"{shots}/responses-{width}.png", full_page=True)
    page.get_by_label("the server clock").check()
    page.get_by_role("button", name="预览").first.click()
    page.wait_for_url("**/responses/preview**")
    # "3 of 3 attempts change" (y counts those who gave the response), in the page's language.
    assert re.fullmatch(r"\D*3\D+3\D*", page.locator("main [role=status]").inner_text())
    assert page.locator("tbody tr").count() == 3
    no_sideways_scroll(page)
    if shots:
        page.screenshot(path=f"{shots}/preview-{width}.png", full_page=True)
    page.get_by_role("button", name="应用").click()
    page.wait_for_url(f"**{PAGE}")
    assert re.fullmatch(r"\D*3\D+3\D*", page.locator(".flash").first.inner_text().strip())
    assert page.get_by_text("×3").count() == 0  # no longer a near miss
    if shots:
        page.screenshot(path=f"{shots}/applied-{width}.png", full_page=True)
    context.close()
