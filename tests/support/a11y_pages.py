"""The accessibility audit's page list (tests/browser/test_accessibility.py): every page type
as Page(name, who is logged in, path[, then]), and the actions that bring a page into a
state worth auditing (a form with errors, ...). A path may use the ids in `Site.ids`
(tests/support/a11y_site.py)."""
from __future__ import annotations

import re
from typing import Callable, NamedTuple

from learnhub.config import make_test_config
from tests.support.grading_marking import a11y_bad_points

COURSE, UNIT, QUIZ = "party-building-online", "why-online", "check-your-understanding"
EXAM_COURSE, EXAM = "wangluo-dangjian", "final-exam"


def submit_empty(page):
    """Send the page's form with nothing filled in: the same page comes back with errors."""
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator(".field-error").count() > 0


def announcement_preview(page):
    """The announcement form after Preview: the text rendered above the form, nothing saved."""
    page.fill("#title", "通知")
    page.fill("#body", "要求：\n1. 准时\n2. **带笔记本**")
    page.get_by_role("button", name=re.compile("Preview|预览")).click()
    page.wait_for_load_state()
    assert page.locator("#announcement-preview li").count() == 2


def mark_all_read(page):
    """The notifications page after "Mark all as read": the list read, the bell without a count
    (a later run finds them read already: the button is gone)."""
    button = page.locator("main form[action$='/notifications/read'] [type=submit]")
    if button.count():
        button.click()
        page.wait_for_load_state()
    assert page.locator("[data-notification-count]").is_hidden()


def submit_override_empty(page):
    """Send the exam page's override form without a reason: it comes back with errors."""
    page.locator("main form[action$='/overrides'] [type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".field-error").count() > 0


def open_other_languages(page):
    """Unfold the catalog's courses in other languages."""
    page.locator(".other-languages > summary").click()
    assert page.locator(".other-languages[open] .card").count() > 0


def check_in_now(page):
    """From the session page, open its current check-in code as a scan would (the code is
    made here with the test SECRET_KEY): the page checks in and shows the outcome."""
    from datetime import datetime as _datetime, timezone as _timezone

    from flask import Flask

    from learnhub.classes.attendance.codes import code_for

    session_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    holder = Flask(__name__)
    holder.config["SECRET_KEY"] = make_test_config("sqlite://")["SECRET_KEY"]
    with holder.app_context():
        code = code_for(session_id, _datetime.now(_timezone.utc)).code
    page.goto(page.url.split("/sessions/")[0] + f"/checkin?c={code}")
    page.wait_for_selector("#checkin-outcome")


def _roster_upload(page, rows: str):
    """Upload a small roster (Chinese headers) on the import page and wait for its preview."""
    header = "用户名,姓名,学号,院系/支部,阶段,邮箱,电话,角色\n"
    page.set_input_files("input[type=file]", files=[{"name": "roster.csv", "mimeType": "text/csv",
                                                     "buffer": (header + rows).encode("utf-8")}])
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()


def roster_preview_with_errors(page):
    _roster_upload(page, "newbie,新同学,2026001,第一党支部,入党积极分子,,,\n,无名,,,,,,\n")
    assert page.locator("tr.roster-error").count() == 1


def roster_password_sheet(page):
    import secrets as _secrets

    name = "a11y" + _secrets.token_hex(4)  # a new account on each run (en and zh)
    _roster_upload(page, f"{name},新同学,,第一党支部,入党积极分子,,,\n")
    page.get_by_role("button", name=re.compile("Import|导入")).click()
    page.wait_for_load_state()
    assert page.locator(".password-sheet code").count() == 1


def add_member_slip(page):
    """Add one new person on the page: the one-time password slip comes back."""
    import secrets as _secrets

    page.fill("#display_name", "新同学")
    page.fill("#username", "a11y-add-" + _secrets.token_hex(4))  # a new account on each run
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator(".slip code").count() == 1


def exam_next_question(page):
    """The one-question-per-page exam moved on to its second question (focus on its legend)."""
    page.get_by_role("button", name=re.compile("Next|下一题")).click()
    page.wait_for_function("document.activeElement.tagName === 'LEGEND'")


def exam_last_question(page):
    """The exam's last question, where Next has disabled itself."""
    next_button = page.get_by_role("button", name=re.compile("Next|下一题"))
    while next_button.is_enabled():
        next_button.click()


def _answer_first_shown(page):
    """Change the shown question's answer: an option not chosen yet (re-checking the chosen one
    changes nothing and sends nothing), or new text where the question is typed. The exam
    shuffles its questions per attempt, so the first one shown may be either kind."""
    shown = page.locator("fieldset.question:not([hidden])").first
    options = shown.locator("input[type=radio]:not(:checked), input[type=checkbox]:not(:checked)")
    if options.count():
        options.first.check()
    else:
        typed = shown.locator(".text-answer").first
        typed.fill(typed.input_value() + "1")  # a digit: numeric questions take it too


def exam_saving(page):
    """An answer on its way to the server: the save is held, the status says so."""
    # A save that never comes back (a held route would keep the network busy for ever).
    page.evaluate("() => { const send = window.fetch; window.fetch = (url, options) =>"
                  " String(url).includes('/answers/') ? new Promise(() => {}) : send(url, options); }")
    _answer_first_shown(page)
    page.wait_for_selector("#save-status[data-state=saving]")


def exam_offline(page):
    """The connection is gone: the answer is kept on the device and the status says so."""
    page.context.set_offline(True)
    _answer_first_shown(page)
    page.wait_for_selector("#save-status[data-state=retrying]")


def submit_wrong_code(page):
    """The typed-code form with five digits: the page comes back with the code's error."""
    page.fill("input[name=code]", "12345")
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator(".field-error").count() > 0


def submit_finding_empty(page):
    """Staff's view of an attempt: the integrity finding form sent without a reason comes back
    with its error (grading.attempt_review)."""
    page.locator("main form[action$='/findings'] [type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".field-error").count() > 0


def submit_negative_weight(page):
    """The completion rules with a negative weight: the page comes back with the field's error
    and nothing saved (grading.completion)."""
    page.fill("#weight_exam", "-10")
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator(".field-error").count() > 0


class Page(NamedTuple):
    name: str
    who: str | None  # logged in as: None (anonymous), "member", "staff", "admin" or "newcomer"
    path: str
    then: Callable | None = None
    status: int = 200


PAGES = [
    Page("login", None, "/login"),
    Page("login with errors", None, "/login", submit_empty),
    # Early in the list: {ticket} (a scan before logging in) lasts TICKET_SECONDS from the start.
    Page("login, checking in to a session", None, "/login?next=/checkin%3Ft%3D{ticket}"),
    Page("first password (must change)", "newcomer", "/account/first-password?next=/checkin%3Ft%3D{ticket}"),
    Page("first password with errors", "newcomer", "/account/first-password", submit_empty),
    Page("home", "member", "/"),
    Page("home, nothing started yet (admin)", "admin", "/"),
    Page("home, courses in other languages unfolded", "member", "/", open_other_languages),
    Page("course", "member", f"/courses/{COURSE}"),
    Page("unit", "member", f"/courses/{COURSE}/{UNIT}"),
    Page("unit (locked: what is still needed)", "member", "/courses/a11y/locked"),
    Page("quiz intro", "member", f"/courses/{COURSE}/quizzes/{QUIZ}"),
    Page("quiz intro, attempt open", "member", f"/courses/{EXAM_COURSE}/quizzes/{EXAM}"),
    Page("quiz intro, choose the exam (two classes)", "member", "/courses/a11y/quizzes/two-classes"),
    Page("attempt in progress", "member", "/attempts/{attempt}"),
    Page("exam attempt, one question per page", "member", "/attempts/{exam}"),
    Page("exam attempt, second question", "member", "/attempts/{exam}", exam_next_question),
    Page("exam attempt, last question", "member", "/attempts/{exam}", exam_last_question),
    Page("exam attempt, saving", "member", "/attempts/{exam}", exam_saving),
    Page("exam attempt, offline", "member", "/attempts/{exam}", exam_offline),
    Page("attempt result", "member", "/attempts/{result}"),
    Page("my attempts", "member", "/my/attempts"),
    Page("account", "member", "/account"),
    # The member has unread notifications (the class's announcements): the bell shows a count.
    Page("notifications (member)", "member", "/notifications"),
    Page("notifications, all read (member)", "member", "/notifications", mark_all_read),
    Page("error 404", "member", "/no-such-page", status=404),
    Page("quiz attempts (staff)", "staff", f"/courses/{COURSE}/quizzes/{QUIZ}/attempts"),
    # grading.statistics: the site's finished attempts (figures, histogram, question table)
    Page("quiz statistics (staff)", "staff", f"/courses/{COURSE}/quizzes/{QUIZ}/statistics?attempts=all"),
    Page("exam statistics for one class (head teacher)", "staff",
         f"/courses/{EXAM_COURSE}/quizzes/{EXAM}/statistics?class={{class}}"),
    # grading.assignments (data: tests/support/grading_assignments.a11y_assignments)
    Page("assignments (member)", "member", "/classes/{class}/assignments"),
    Page("assignment, writing a draft (member)", "member", "/assignments/{assignment}"),
    Page("assignment, graded (member)", "member", "/assignments/{assignment_graded}"),
    Page("assignments with the new-assignment form (staff)", "staff", "/classes/{class}/assignments"),
    Page("new assignment with errors (staff)", "staff", "/classes/{class}/assignments", submit_empty),
    Page("assignment edit (staff)", "staff", "/assignments/{assignment}/edit"),
    Page("assignment submissions (staff)", "staff", "/assignments/{assignment_graded}/submissions"),
    Page("assignment submission with its grade form (staff)", "staff", "/submissions/{assignment_submission}"),
    Page("attempt, staff's view (staff)", "staff", "/attempts/{result}"),
    Page("attempt, staff's view, finding without a reason", "staff", "/attempts/{result}", submit_finding_empty),
    # grading.marking (data: tests/support/grading_marking.a11y_grading)
    Page("grading queue (head teacher)", "staff", "/classes/{class}/grading"),
    Page("grading one question, names shown (head teacher)", "staff", "/classes/{class}/grading/{grading_group}?names=1"),
    Page("grading one question, points too high", "staff", "/classes/{class}/grading/{grading_group}", a11y_bad_points),
    Page("accommodations (staff)", "staff", "/staff/accommodations"),
    Page("accommodations with errors (staff)", "staff", "/staff/accommodations", submit_empty),
    Page("users (admin)", "admin", "/admin/users"),
    Page("new user (admin)", "admin", "/admin/users/new"),
    Page("user edit (admin)", "admin", "/admin/users/{member}"),
    # The party school: staffer is the head teacher of {class}, learner a member.
    Page("classes", "member", "/classes"),
    Page("classes, none run yet (admin)", "admin", "/classes"),
    Page("class overview (member)", "member", "/classes/{class}"),
    Page("class overview (head teacher)", "staff", "/classes/{class}"),
    Page("new class (staff)", "staff", "/classes/new"),
    Page("new class with errors (staff)", "staff", "/classes/new", submit_empty),
    Page("class edit (head teacher)", "staff", "/classes/{class}/edit"),
    Page("home with classes (head teacher)", "staff", "/"),
    Page("class announcements (member)", "member", "/classes/{class}/announcements"),
    Page("announcement (member)", "member", "/announcements/{announcement}"),
    Page("new announcement (head teacher)", "staff", "/classes/{class}/announcements/new"),
    Page("new announcement with errors", "staff", "/classes/{class}/announcements/new", submit_empty),
    Page("new announcement preview", "staff", "/classes/{class}/announcements/new", announcement_preview),
    Page("announcement edit (head teacher)", "staff", "/announcements/{announcement}/edit"),
    Page("read receipts (head teacher)", "staff", "/announcements/{announcement}/receipts"),
    Page("class exams (member)", "member", "/classes/{class}/exams"),
    Page("class exams (head teacher)", "staff", "/classes/{class}/exams"),
    Page("schedule an exam with errors", "staff", "/classes/{class}/exams", submit_empty),
    Page("exam overrides (head teacher)", "staff", "/classes/{class}/exams/{class_exam}"),
    Page("exam results (head teacher)", "staff", "/classes/{class}/exams/{class_exam}/results"),
    Page("exam results, needing grading", "staff", "/classes/{class}/exams/{class_exam}/results?filter=needs_grading"),
    Page("exam override with errors", "staff", "/classes/{class}/exams/{class_exam}", submit_override_empty),
    Page("sessions (member)", "member", "/classes/{class}/sessions"),
    Page("sessions (head teacher)", "staff", "/classes/{class}/sessions"),
    Page("new session with errors", "staff", "/classes/{class}/sessions/new", submit_empty),
    Page("session with minutes (member)", "member", "/sessions/{session}"),
    Page("session with attendance (head teacher)", "staff", "/sessions/{session}"),
    Page("session edit (head teacher)", "staff", "/sessions/{session}/edit"),
    Page("session minutes (head teacher)", "staff", "/sessions/{session}/minutes"),
    Page("check-in QR screen (head teacher)", "staff", "/sessions/{session}/qr"),
    Page("sign-in sheet (head teacher)", "staff", "/sessions/{session}/sign-in-sheet"),
    Page("check-in with a typed code (member)", "member", "/checkin/code"),
    Page("check-in with a typed code, wrong code (member)", "member", "/checkin/code", submit_wrong_code),
    Page("check-in, code scanned (member)", "member", "/sessions/{session}", check_in_now),
    Page("check-in, invalid code (member)", "member", "/checkin?c=0", status=422),
    Page("roster (head teacher)", "staff", "/classes/{class}/roster"),
    Page("member record (head teacher)", "staff", "/classes/{class}/members/learner"),
    Page("roster import (head teacher)", "staff", "/classes/{class}/roster/import"),
    Page("roster import with errors", "staff", "/classes/{class}/roster/import", submit_empty),
    Page("roster import preview with error rows", "staff", "/classes/{class}/roster/import",
         roster_preview_with_errors),
    Page("roster password sheet", "staff", "/classes/{class}/roster/import", roster_password_sheet),
    Page("add a member (head teacher)", "staff", "/classes/{class}/roster/add"),
    Page("add a member with errors", "staff", "/classes/{class}/roster/add", submit_empty),
    Page("add a member: the one-time password slip", "staff", "/classes/{class}/roster/add", add_member_slip),
    Page("copy a class for the next term (head teacher)", "staff", "/classes/{class}/copy"),
    Page("class progress dashboard (head teacher)", "staff", "/classes/{class}/progress"),
    # grading.completion and certificates: {certificate} is the member's (a11y_site._certificate).
    Page("completion, who qualifies (head teacher)", "staff", "/classes/{class}/completion"),
    Page("completion rules (head teacher)", "staff", "/classes/{class}/completion/settings"),
    Page("completion rules with errors", "staff", "/classes/{class}/completion/settings", submit_negative_weight),
    Page("certificate (member)", "member", "/certificates/{certificate}"),
    Page("certificate (head teacher)", "staff", "/certificates/{certificate}"),
    Page("certificate verification (public)", None, "/verify/{certificate}"),
    Page("certificate lookup form (public)", None, "/verify"),
    Page("class gradebook (head teacher)", "staff", "/classes/{class}/gradebook"),
    # grading.regrade (data: tests/support/grading_regrade.a11y_near_miss)
    Page("near-miss answers (staff)", "staff", "/courses/a11y/quizzes/every-type/responses"),
    Page("accept a near miss, preview (staff)", "staff",
         "/courses/a11y/quizzes/every-type/responses/preview?question=4&response=Pekin&fraction=0.5"),
    Page("regrade preview (staff)", "staff", "/courses/a11y/quizzes/every-type/regrade"),
    # discussions (data: tests/support/discussions.a11y_discussions; learner is "member", staffer "staff")
    # -- threads (lists, thread page, forms) --
    Page("course discussions (member)", "member", "/courses/a11y/threads"),
    Page("unit discussions (member)", "member", "/courses/a11y/threads?unit=only"),
    Page("class discussions (head teacher)", "staff", "/classes/{class}/threads"),
    Page("new question on a unit (member)", "member", "/courses/a11y/threads/new?unit=only&kind=question"),
    Page("new thread with errors (member)", "member", "/courses/a11y/threads/new", submit_empty),
    Page("new class thread (head teacher)", "staff", "/classes/{class}/threads/new"),
    Page("thread page (member)", "member", "/threads/{a11y_thread}"),
    Page("thread page, replying with a quote (member)", "member", "/threads/{a11y_thread}?after=0&quote={a11y_post}"),
    Page("thread page (moderator)", "staff", "/threads/{a11y_thread}?after=0"),
    Page("class thread (head teacher)", "staff", "/threads/{a11y_class_thread}"),
    Page("edit a post (author)", "staff", "/posts/{a11y_post}/edit"),
    Page("post history (moderator)", "staff", "/posts/{a11y_post}/history"),
    # -- reading (panels, live) --
    # (the class overview, home, course and staff dashboard pages above carry the other panels)
    Page("unit with its threads and the ask box (member)", "member", "/courses/a11y/only"),
    Page("course with its discussions link (member)", "member", "/courses/a11y"),
    # -- moderation --
    Page("reported posts queue (head teacher)", "staff", "/discussions/reports"),
    Page("report a post (member)", "member", "/posts/{a11y_post}/report"),
    Page("report a post with errors (member)", "member", "/posts/{a11y_post}/report", submit_empty),
    Page("move a thread (staff)", "staff", "/threads/{a11y_thread}/move"),
    # -- subscriptions --
    # -- search --
    Page("search the discussions, empty (member)", "member", "/search"),
    Page("search results, Chinese phrase (member)", "member", "/search?q=三会一课"),
    Page("search with no results (staff)", "staff", "/search?q=nothing-matches-this"),
    Page("search refused, too long (member)", "member", "/search?q=" + "x" * 101, status=422),
]
LANGUAGES = {"en": ("en-US", "en"), "zh": ("zh-CN", "zh-CN")}  # browser locale, expected <html lang>
VIEWPORT = {"width": 360, "height": 740}
# Every page on a phone in both languages, and in Chinese on a 1366 px laptop (where the
# wide pages, the dashboard and the QR screen, lay out differently).
RUNS = {"en-360": ("en", VIEWPORT), "zh-360": ("zh", VIEWPORT),
        "zh-1366": ("zh", {"width": 1366, "height": 768})}
# axe runs on the Chinese pages (the members' language) at both widths. The English phone page
# is the same markup with other words: it gets the checks that words can break (its <html
# lang>, elements shown that should be hidden, ids used twice), not axe again: axe is half of
# an audit's time, and the audit was a third of CI's.
AXE_RUNS = ("zh-360", "zh-1366")
