"""The class gradebook on a 1366 px laptop and a 390 px phone, in Chinese: the wide members x
exams and assignments table scrolls inside its own box, never the page sideways; the name
column stays in view while it scrolls; pass and fail are words. GRADEBOOK_SHOTS=<dir> saves
a screenshot of each."""
from __future__ import annotations

import os
from datetime import timedelta

import pytest

from learnhub.auth import services as auth_services
from learnhub.classes.services import create_class
from learnhub.courses.catalog import get_catalog
from learnhub.courses.index import sync_all
from learnhub.extensions import db
from tests.support.factories import enrol
from tests.support.grading_gradebook import T, attempt, hand_in, schedule, set_assignment

PASSWORD = "browser-pass-1"
NAMES = ["王小明", "李华", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴敏", "徐强", "孙悦"]


@pytest.fixture
def seeded(make_app):
    """A class of 12 members, two exams (every grading state) and two assignments."""
    app = make_app()
    with app.app_context():
        sync_all(db.session, get_catalog().tree())
        head = auth_services.create_user("head", PASSWORD, "staff")
        db.session.commit()
        school_class = create_class(head, "2026 秋季入党积极分子培训班", "GB-26", T.date(),
                                    (T + timedelta(days=90)).date(), course_slugs=["party-building-online"])
        school_class.head = head
        members = []
        for i, name in enumerate(NAMES):
            user = auth_services.create_user(f"m{i:02d}", PASSWORD, "member")
            user.display_name = name
            enrol(school_class, user).student_no = f"2026{i:04d}"
            members.append(user)
        db.session.commit()
        first, second = schedule(school_class, 2)
        for i, user in enumerate(members):
            if i % 5 == 4:
                continue  # not attempted
            attempt(user, first, 40 + 5 * i, minutes=10 + i, method="highest")
            attempt(user, second, 95 - 4 * i, minutes=20, state="needs_grading" if i % 4 == 1 else "graded")
        reflection = set_assignment(school_class, "心得体会", 20)
        report = set_assignment(school_class, "思想汇报（第一季度）", 10)
        for i, user in enumerate(members[:8]):
            hand_in(user, school_class, reflection, points=None if i % 3 == 2 else 12 + i, late=i == 5)
            hand_in(user, school_class, report, points=8)
        class_id = school_class.id
    return class_id


@pytest.mark.parametrize("width,height", [(1366, 768), (390, 844)], ids=["laptop", "phone"])
def test_gradebook_scrolls_in_its_box(serve, browser, seeded, width, height):
    server = serve()
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.url}/login?next=/classes/{seeded}/gradebook")
    page.fill("input[name=username]", "head")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(f"**/classes/{seeded}/gradebook")
    shots = os.environ.get("GRADEBOOK_SHOTS")
    if shots:
        page.screenshot(path=f"{shots}/gradebook-{width}.png", full_page=True)

    sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sizes[0] <= sizes[1], sizes                          # the page never scrolls sideways
    box = page.locator(".grid-wrap")
    if width < 600:
        # On a phone the table is wider than the screen: it scrolls inside its box (on a
        # laptop it may fit, depending on the fonts: only the page's no-sideways rule holds).
        assert box.evaluate("el => el.scrollWidth > el.clientWidth")
        name = page.locator(".gradebook tbody tr th").first
        before = name.bounding_box()["x"]
        box.evaluate("el => { el.scrollLeft = 400; }")
        page.wait_for_timeout(100)
        assert abs(name.bounding_box()["x"] - before) < 1       # the name column stays
    assert page.locator(".gradebook").get_by_text("已通过").count() > 0
    assert page.locator(".gradebook tbody tr").count() == len(NAMES)
    context.close()
