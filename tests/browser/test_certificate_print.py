"""The certificate prints on one A4 landscape page without the site's header and navigation;
the completion page and the certificate read at phone width (COMPLETION_SHOTS=<dir> saves
screenshots for a look)."""
from __future__ import annotations

import os
import re

from learnhub.auth import services as auth_services
from learnhub.core.types import utcnow
from learnhub.extensions import db
from learnhub.grading.certificates import services as certificates
from learnhub.grading.completion import services as completion
from tests.support.web import PASSWORD


def _seed(app):
    with app.app_context():
        head = auth_services.create_user("head", PASSWORD, "staff", "陈干事")
        member = auth_services.create_user("ann", PASSWORD, "member", "李学习")
        db.session.commit()
        from datetime import date

        from learnhub.classes.models import Membership
        from learnhub.classes.services import create_class

        school_class = create_class(head, "2026 秋季入党积极分子培训班", "P-2026", date(2026, 9, 1), date(2027, 1, 15),
                                    course_slugs=["party-building-online"])
        db.session.add(Membership(class_id=school_class.id, user_id=member.id, role="member", student_no="2021001"))
        db.session.commit()
        completion.confirm(head, school_class, ["ann"], utcnow(), reason="补学后破格结业")
        (certificate, _name), = certificates.issue(head, school_class, ["ann"], utcnow())
        db.session.commit()
        return school_class.id, certificate.serial


def _log_in(page, url, username):
    page.goto(f"{url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.locator("main form [type=submit]").click()
    page.wait_for_load_state()


def test_certificate_prints_on_one_a4_landscape_page(live_server, browser):
    class_id, serial = _seed(live_server.app)
    shots = os.environ.get("COMPLETION_SHOTS")
    for width, locale in ((390, "zh-CN"), (1366, "zh-CN")):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
        page = context.new_page()
        _log_in(page, live_server.url, "head")
        page.goto(f"{live_server.url}/certificates/{serial}")
        assert page.locator(".certificate-qr svg").count() == 1
        # No horizontal scrolling at phone width.
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
        if shots:
            page.screenshot(path=f"{shots}/certificate-{width}.png", full_page=True)
            page.goto(f"{live_server.url}/classes/{class_id}/completion")
            page.screenshot(path=f"{shots}/completion-{width}.png", full_page=True)
            page.goto(f"{live_server.url}/certificates/{serial}")
        if width == 1366:
            page.emulate_media(media="print")
            assert page.locator(".site-header").is_hidden() and page.locator(".site-footer").is_hidden()
            assert page.locator("form[action$='/revoke']").is_hidden()
            pdf = page.pdf(prefer_css_page_size=True, print_background=True)
            assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
            box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
            assert float(box.group(1)) > float(box.group(2))  # landscape: wider than tall
            assert abs(float(box.group(1)) - 841.9) < 2  # A4's long side, in points
            if shots:
                page.screenshot(path=f"{shots}/certificate-print.png", full_page=True)
        context.close()
