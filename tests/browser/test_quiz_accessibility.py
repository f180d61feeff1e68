"""The exam page for a screen-reader or keyboard user: moving between questions announces the
new one, the question links say their state, and the timer says what is actually left."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.support.browser import start_quiz

EXAM = """---
title: One at a time
time_limit: 69s
layout: one_per_page
shuffle_questions: false
---
::capital::What is the capital of China? {=Beijing ~Shanghai ~Guangzhou}

::sky::The sky is blue on a clear day. {T}

::river::The Yangtze is the longest river in China. {T}
"""
FOCUSED_LEGEND = "() => document.activeElement.tagName + ' ' + document.activeElement.textContent"


def test_next_and_previous_move_focus_to_the_new_question(serve, phone_page, write_content):
    page = phone_page
    start_quiz(serve, page, write_content, EXAM)
    next_button = page.get_by_role("button", name="Next")

    next_button.click()
    assert page.evaluate(FOCUSED_LEGEND).startswith("LEGEND Question 2")
    next_button.click()
    # The last question: Next disables itself, and focus is on the question, not the page.
    expect(next_button).to_be_disabled()
    assert page.evaluate(FOCUSED_LEGEND).startswith("LEGEND Question 3")
    page.get_by_role("button", name="Previous").click()
    assert page.evaluate(FOCUSED_LEGEND).startswith("LEGEND Question 2")


def test_question_links_say_answered_flagged_and_current(serve, phone_page, write_content):
    page = phone_page
    start_quiz(serve, page, write_content, EXAM)
    first = page.locator("[data-nav]").nth(0)
    expect(first).to_have_attribute("aria-label", "Question 1, not answered yet")
    expect(first).to_have_attribute("aria-current", "step")

    page.get_by_label("Beijing").check()
    expect(first).to_have_attribute("aria-label", "Question 1, answered")
    page.get_by_role("button", name="Flag for review").first.click()
    expect(first).to_have_attribute("aria-label", "Question 1, answered, flagged for review")

    page.locator("[data-nav]").nth(2).click()
    expect(page.locator("[data-nav]").nth(2)).to_have_attribute("aria-current", "step")
    assert first.get_attribute("aria-current") is None


def test_timer_says_what_is_left_when_the_page_opens_late(serve, phone_page, write_content):
    page = phone_page
    start_quiz(serve, page, write_content, EXAM)  # 69 s: inside the 5-minute warning already
    announcer = page.locator("#timer-announcer")
    expect(announcer).to_contain_text("Time left: 01:")
    assert "5 minutes" not in announcer.inner_text()
