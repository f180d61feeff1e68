"""Accessibility audit: axe-core on every page type, on a phone in English and in Chinese, and
on a 1366 px laptop in Chinese.

Any axe violation fails (all rules axe runs by default, best practices included), and so
does an id used twice on a page (axe only asks for a review of that). A new
page type is one line in PAGES: Page(name, who is logged in, path[, then]); `then(page)`
brings the page into a state worth auditing (a form with errors, ...). A path may use the
ids in `Site.ids`; a page that needs new data adds it in `_prepare_data()`.
"""
from __future__ import annotations

import re
import shutil
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, NamedTuple

import axe_playwright_python
import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from learnhub import create_app
from learnhub.auth import services as auth_services
from learnhub.auth.models import User
from learnhub.classes.announcements.services import mark_read, post_announcement
from learnhub.classes.attendance.codes import new_nonce, ticket_for
from learnhub.classes.exams.services import schedule_exam, set_override
from learnhub.classes.models import Membership
from learnhub.classes.services import create_class
from learnhub.config import PROJECT_ROOT, make_test_config
from learnhub.courses.catalog import get_catalog
from learnhub.courses.index import sync_all
from learnhub.extensions import db
from tests.support.browser import CHROMIUM_ARGS
from tests.support.quizzes import ALL_TYPES_QUIZ
from tests.support.web import IsolatedClient, csrf_from, login

AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
PASSWORD = "browser-pass-1"
COURSE, UNIT, QUIZ = "party-building-online", "why-online", "check-your-understanding"
EXAM_COURSE, EXAM = "wangluo-dangjian", "final-exam"
# Beside the real content: a course whose quiz has every question type on one page.
EXTRA_CONTENT = {
    "a11y/course.md": "---\ntitle: Every question type\nsummary: S\n---\nA course.\n",
    "a11y/01-only.md": "---\ntitle: Only\n---\n## Text\n",
    "a11y/02-locked.md": "---\ntitle: Locked\nrequires: [only, 'quiz:gate']\n---\n## Text\n",
    "a11y/quizzes/gate.gift": "---\ntitle: Gate\n---\n::q::True? {T}\n",  # never taken: keeps 02 locked
    "a11y/quizzes/every-type.gift": ALL_TYPES_QUIZ,
    # Scheduled by two of the member's classes at once: the quiz page asks which exam.
    "a11y/quizzes/two-classes.gift": "---\ntitle: Two classes\nkind: exam\n---\n::q::True? {T}\n",
}



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
]
LANGUAGES = {"en": ("en-US", "en"), "zh": ("zh-CN", "zh-CN")}  # browser locale, expected <html lang>
VIEWPORT = {"width": 360, "height": 740}
# Every page on a phone in both languages, and in Chinese on a 1366 px laptop (where the
# wide pages, the dashboard and the QR screen, lay out differently).
RUNS = {"en-360": ("en", VIEWPORT), "zh-360": ("zh", VIEWPORT),
        "zh-1366": ("zh", {"width": 1366, "height": 768})}


@dataclass
class Site:
    url: str
    ids: dict = field(default_factory=dict)
    logins: dict = field(default_factory=dict)  # who -> Playwright storage state


def sample_response(question: dict):
    options = question.get("options")
    return {"single": lambda: options[0]["id"], "multiple": lambda: [options[0]["id"]],
            "true_false": lambda: True, "short": lambda: "Beijing", "numerical": lambda: "3.14",
            "matching": lambda: {left["id"]: right["id"] for left, right in zip(options["left"], options["right"], strict=False)},
            "essay": lambda: "A few words."}[question["type"]]()


def _member_dashboard_data(member) -> None:
    """The home page's member dashboard with a course in progress and study time this week."""
    from datetime import timedelta as _timedelta
    from zoneinfo import ZoneInfo

    from learnhub.courses.models import Course, Unit, UnitProgress
    from learnhub.progress.models import StudyTime

    now = datetime.now(timezone.utc)
    units = db.session.scalars(select(Unit).join(Course, Course.id == Unit.course_id)
                               .where(Course.slug == COURSE).order_by(Unit.order)).all()
    db.session.add(UnitProgress(user_id=member.id, unit_id=units[0].id, first_viewed_at=now,
                                last_viewed_at=now, completed_at=now, completion_rule="view"))
    db.session.add(UnitProgress(user_id=member.id, unit_id=units[1].id, first_viewed_at=now, last_viewed_at=now))
    today = now.astimezone(ZoneInfo("Asia/Shanghai")).date()
    for unit, day, seconds in ((units[0], today, 1500), (units[1], today - _timedelta(days=today.weekday()), 4000)):
        db.session.add(StudyTime(user_id=member.id, unit_id=unit.id, course_id=unit.course_id, day=day,
                                 seconds=seconds))
    db.session.commit()


def _attendance_session(head, school_class) -> int:
    from datetime import datetime as _datetime, timedelta as _timedelta, timezone as _timezone

    from learnhub.classes.attendance.sessions import create_session, save_minutes

    now = _datetime.now(_timezone.utc)
    session = create_session(head, school_class, "支部大会 · Branch meeting", "meeting", now - _timedelta(minutes=5),
                             now + _timedelta(hours=3), place="Room 101",
                             meeting_url="https://meeting.example.com/j/123")
    save_minutes(head, school_class, session, "## 会议记录\n\n- Studied the report\n- **Next**: Friday", now)
    db.session.commit()
    return session.id


def _complete_units(member) -> None:
    from learnhub.courses.models import Unit, UnitProgress

    now = datetime.now(timezone.utc)
    for unit in db.session.scalars(select(Unit).join(Unit.course).where(Unit.course.has(slug="a11y"))):
        db.session.add(UnitProgress(user_id=member.id, unit_id=unit.id, first_viewed_at=now,
                                    last_viewed_at=now, completed_at=now, completion_rule="view"))
    db.session.commit()


def _prepare_data(app) -> dict:
    """Users; every-type attempts submitted (result) and in progress, an exam in progress."""
    with app.app_context():
        sync_all(db.session, get_catalog().tree())
        member = auth_services.create_user("learner", PASSWORD, "member", "Li Xuexi")
        auth_services.create_user("staffer", PASSWORD, "staff", "Chen Ganshi")
        auth_services.create_user("boss", PASSWORD, "admin", "Admin")
        member.time_factor = 1.5  # the accommodations list has a row
        db.session.commit()
        head = db.session.scalar(select(User).where(User.username == "staffer"))
        school_class = create_class(head, "2026 秋季入党积极分子培训班", "A11Y-2026", date(2026, 9, 1),
                                    date(2027, 1, 15), "**Welcome** to the class.", ["a11y"])
        db.session.add(Membership(class_id=school_class.id, user_id=member.id, role="member",  # the roster's row
                                  stage="activist", stage_date=date(2025, 3, 1), student_no="2021001",
                                  department="第一党支部", location="away", location_note="深圳实习"))
        db.session.commit()
        # Announcements: one pinned and read, one unread (the class page and home panels show both).
        pinned = post_announcement(head, school_class, "Class rules", "Read **before** the first lecture.",
                                   pinned=True)
        mark_read(member, pinned)
        announcement_id = post_announcement(head, school_class, "Lecture moved to Friday",
                                            "- Room 101\n- 19:00").id
        db.session.commit()
        # A scheduled exam with an override for the member (the exams pages and panels).
        exam = schedule_exam(head, school_class, "a11y", "every-type", datetime(2020, 1, 1, tzinfo=timezone.utc),
                             datetime(2100, 1, 1, tzinfo=timezone.utc), 20 * 60)
        set_override(head, school_class, exam, member, extra_attempts=1, reason="Ill on the exam day")
        db.session.commit()
        class_exam_id = exam.id
        second = create_class(head, "2027 春季发展对象培训班", "A11Y-2027", date(2026, 9, 1), date(2027, 1, 15),
                              "", ["a11y"])
        db.session.add(Membership(class_id=second.id, user_id=member.id, role="member"))
        for each in (school_class, second):
            schedule_exam(head, each, "a11y", "two-classes", datetime(2020, 1, 1, tzinfo=timezone.utc),
                          datetime(2100, 1, 1, tzinfo=timezone.utc))
        db.session.commit()
        _member_dashboard_data(member)  # home: a course in progress, study time this week
        # A session running now with its minutes (the attendance pages and the QR screen).
        session_id = _attendance_session(head, school_class)
        # A new account that must choose its password, and a scan ticket from before a login.
        auth_services.create_user("newcomer", PASSWORD, "member", "Zhao Xinren", must_change=True)
        db.session.commit()
        ticket = ticket_for(session_id, datetime.now(timezone.utc), new_nonce())
        _complete_units(member)  # the progress dashboard's grid and charts have a complete member
        member_id, class_id = member.id, school_class.id
    client = app.test_client()
    assert login(client, "learner", PASSWORD).status_code == 302
    ids = {"member": member_id, "class": class_id}
    ids["announcement"] = announcement_id
    ids["session"] = session_id
    ids["ticket"] = ticket
    ids["class_exam"] = class_exam_id
    token = csrf_from(client, "/account")

    def start(course: str, quiz: str) -> int:
        started = client.post(f"/courses/{course}/quizzes/{quiz}/start", data={"csrf_token": token})
        assert started.status_code == 302, started.get_data(as_text=True)
        return int(started.headers["Location"].rstrip("/").rsplit("/", 1)[1])

    def answer_all(attempt_id: int, skip: int = 0):
        questions = client.get(f"/api/v1/attempts/{attempt_id}").get_json()["questions"]
        for question in [q for q in questions if q["type"] != "description"][skip:]:
            saved = client.put(f"/api/v1/attempts/{attempt_id}/answers/{question['id']}",
                               json={"response": sample_response(question)}, headers={"X-CSRFToken": token})
            assert saved.status_code == 200, saved.get_data(as_text=True)

    ids["result"] = start("a11y", "every-type")
    answer_all(ids["result"])
    submitted = client.post(f"/api/v1/attempts/{ids['result']}/submit", headers={"X-CSRFToken": token})
    assert submitted.status_code == 200, submitted.get_data(as_text=True)
    ids["attempt"] = start("a11y", "every-type")
    answer_all(ids["attempt"], skip=2)  # some answered, some not
    ids["exam"] = start(EXAM_COURSE, EXAM)
    answer_all(ids["exam"], skip=1)
    return ids


@pytest.fixture(scope="module")
def audit_browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(database_url, audit_browser, tmp_path_factory):
    """One server with its data for the whole module (rows wiped at the end, as make_app does)."""
    content = tmp_path_factory.mktemp("a11y") / "content"
    shutil.copytree(PROJECT_ROOT / "content", content)
    for name, text in EXTRA_CONTENT.items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text(text, encoding="utf-8")
    app = create_app(make_test_config(database_url, str(content)))
    app.test_client_class = IsolatedClient
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = Site(url=f"http://127.0.0.1:{server.server_port}", ids=_prepare_data(app))
        for who, username in (("member", "learner"), ("staff", "staffer"), ("admin", "boss")):
            context = audit_browser.new_context(viewport=VIEWPORT, locale="en-US")
            page = context.new_page()
            page.goto(f"{result.url}/login")
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(f"{result.url}/")
            result.logins[who] = context.storage_state()
            context.close()
        context = audit_browser.new_context(viewport=VIEWPORT, locale="en-US")  # lands on one step
        page = context.new_page()
        page.goto(f"{result.url}/login")
        page.get_by_label("Username").fill("newcomer")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{result.url}/account/first-password")
        result.logins["newcomer"] = context.storage_state()
        context.close()
        yield result
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.session.remove()
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(table.delete())
            db.session.commit()
            db.engine.dispose()


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}")
            lines.append(f"      {node['html'][:160]}")
    return "\n".join(lines)


# Elements marked hidden that are still drawn (a CSS display rule beats the attribute):
# controls that look usable but are not meant to be there.
SHOWN_HIDDEN = ("() => Array.from(document.querySelectorAll('[hidden]'))"
                ".filter(el => el.getClientRects().length).map(el => el.outerHTML.slice(0, 120))")
# Ids used more than once: axe reports these only as "needs review", which the audit would
# otherwise never read; a label or aria reference then points at the wrong element.
DUPLICATE_IDS = ("() => { const seen = {}; document.querySelectorAll('[id]').forEach(el => {"
                 " seen[el.id] = (seen[el.id] || 0) + 1; });"
                 " return Object.keys(seen).filter(id => seen[id] > 1); }")


@pytest.mark.parametrize("run", RUNS)
@pytest.mark.parametrize("spec", PAGES, ids=[page.name for page in PAGES])
def test_page_has_no_axe_violations(site, audit_browser, spec, run):
    language, viewport = RUNS[run]
    locale, html_lang = LANGUAGES[language]
    context = audit_browser.new_context(viewport=viewport, locale=locale,
                                        storage_state=site.logins[spec.who] if spec.who else None)
    try:
        page = context.new_page()
        response = page.goto(site.url + spec.path.format(**site.ids))
        assert response is not None and response.status == spec.status, page.url
        if spec.then:
            spec.then(page)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.lang") == html_lang
        assert page.evaluate(SHOWN_HIDDEN) == []
        assert page.evaluate(DUPLICATE_IDS) == [], f"{spec.name}: ids used more than once"
        page.evaluate(AXE_SOURCE)  # evaluated by Playwright: not subject to the page's CSP
        results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        if results["violations"]:
            pytest.fail(f"{spec.name} ({run}) {spec.path}:\n{format_violations(results['violations'])}",
                        pytrace=False)
    finally:
        context.close()
