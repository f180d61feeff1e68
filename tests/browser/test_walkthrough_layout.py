"""What a head teacher's walk through the pages in Chinese found out of place (issue 11): the
sign-in sheet of a usual class on one A4 page, touch-size attendance controls on a phone,
the typed-code error under its field, and each dashboard chart's caption above its chart."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from learnhub.auth import services as auth_services
from learnhub.classes.attendance.sessions import create_session
from learnhub.classes.models import SchoolClass
from learnhub.extensions import db
from learnhub.progress.seed_demo import seed_class

PASSWORD = "browser-pass-1"
PHONE = {"width": 390, "height": 844}
# A4 less the sign-in sheet's @page margins (12 mm each side, 14 mm top and bottom), in CSS px.
A4_CONTENT = {"width": 703, "height": 1017}
# How many lines each matching cell's text takes (cells of one row share a height, so their
# heights say nothing about one cell's text wrapping).
HEADER_LINES = """selector => [...document.querySelectorAll(selector)].map(cell => {
  const range = document.createRange(); range.selectNodeContents(cell);
  return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; })"""


@pytest.fixture
def walk(make_app, write_content):
    """A head teacher's class of 24 members with a session that started five minutes ago."""
    content = str(write_content({}))
    app = make_app(CONTENT_DIR=content)
    with app.app_context():
        head = auth_services.create_user("head", PASSWORD, "staff")
        auth_services.create_user("li", PASSWORD, "member")
        db.session.commit()
        class_id = seed_class("WALK-1", 24, 3, head, seed=5)["class"]
        now = datetime.now(timezone.utc)
        session = create_session(head, db.session.get(SchoolClass, class_id), "第一次集中学习：学习党章", "lecture",
                                 now - timedelta(minutes=5), now + timedelta(hours=2), place="图书馆报告厅")
        db.session.commit()
        return content, class_id, session.id


def _page(browser, server, username, next_path, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.url}/login?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url(f"**{next_path.split('?')[0]}")
    return context, page


def test_sign_in_sheet_of_24_members_prints_on_one_a4_page(serve, browser, walk):
    content, _class_id, session_id = walk
    server = serve(CONTENT_DIR=content)
    context, page = _page(browser, server, "head", f"/sessions/{session_id}/sign-in-sheet", A4_CONTENT)
    try:
        page.emulate_media(media="print")
        assert page.locator(".sheet-table tbody tr").count() == 24
        bottom = page.evaluate("document.querySelector('.sheet-foot').getBoundingClientRect().bottom")
        assert bottom <= A4_CONTENT["height"], bottom      # the totals line is not alone on page 2
        pdf = page.pdf(prefer_css_page_size=True)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 1366, "height": 768})
        assert max(page.evaluate(HEADER_LINES, ".sheet-table th")) == 1    # 序号 on one line
    finally:
        context.close()


def test_attendance_controls_are_touch_size_on_a_phone(serve, browser, walk):
    content, _class_id, session_id = walk
    server = serve(CONTENT_DIR=content)
    context, page = _page(browser, server, "head", f"/sessions/{session_id}", PHONE)
    try:
        for selector in ("#mark-many-status", "#mark-many-note", "#status-1", "#note-1"):
            assert page.locator(selector).bounding_box()["height"] >= 44, selector
    finally:
        context.close()


def test_a_wrong_code_says_so_under_the_field(serve, browser, walk):
    content, class_id, _session_id = walk
    server = serve(CONTENT_DIR=content)
    with server.app.app_context():
        from sqlalchemy import select

        from learnhub.auth.models import User
        from learnhub.classes.models import Membership
        user = db.session.scalar(select(User).where(User.username == "li"))
        db.session.add(Membership(class_id=class_id, user_id=user.id, role="member"))
        db.session.commit()
    context, page = _page(browser, server, "li", "/checkin/code", PHONE)
    try:
        page.fill("#code", "000 000")
        page.locator("main form [type=submit]").click()
        error = page.locator("#code-error")
        error.wait_for()
        field, message = page.locator("#code").bounding_box(), error.bounding_box()
        assert message["y"] >= field["y"] + field["height"]            # under the field, not beside it
        assert page.locator("label[for=code]").evaluate("e => getComputedStyle(e).fontWeight") == "600"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


def test_each_dashboard_chart_has_its_caption_above_it_on_a_phone(serve, browser, walk):
    content, class_id, _session_id = walk
    server = serve(CONTENT_DIR=content)
    context, page = _page(browser, server, "head", f"/classes/{class_id}/progress", PHONE)
    try:
        boxes = page.evaluate("""[...document.querySelectorAll('.chart-pair figure')].map(f => ({
            caption: f.querySelector('figcaption').getBoundingClientRect().bottom,
            chart: f.querySelector('svg').getBoundingClientRect().top}))""")
        assert len(boxes) == 2
        for box in boxes:
            assert box["caption"] <= box["chart"], boxes
    finally:
        context.close()


def test_a_checkbox_in_a_form_field_keeps_a_checkboxs_size(serve, browser, walk):
    """The exam form's 'complete the courses first' box was a full-width box, the tick centred."""
    content, class_id, _session_id = walk
    server = serve(CONTENT_DIR=content)
    context, page = _page(browser, server, "head", f"/classes/{class_id}/exams", {"width": 1366, "height": 768})
    try:
        box = page.locator("#requires_courses_complete").bounding_box()
        label = page.locator("label[for=requires_courses_complete]").bounding_box()
        assert box["width"] < 30 and abs(box["x"] - label["x"]) < 2, (box, label)
    finally:
        context.close()


def test_the_sessions_list_scrolls_in_its_box_on_a_phone(serve, browser, walk):
    """Its headers and places were stacked one character a line (地/点, 图/书/馆) at 390 px."""
    content, class_id, _session_id = walk
    server = serve(CONTENT_DIR=content)
    context, page = _page(browser, server, "head", f"/classes/{class_id}/sessions", PHONE)
    try:
        lines = page.evaluate(HEADER_LINES, "main .table-wrap table th")
        assert lines and max(lines) == 1, lines                   # every header on one line
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
