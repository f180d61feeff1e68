"""Accessibility audit: axe-core on every page type in Chinese, on a phone and on a 1366 px
laptop; the same pages on a phone in English get the checks their words can break.

Any axe violation fails (all rules axe runs by default, best practices included), and so
does an id used twice on a page (axe only asks for a review of that). A new
page type is one line in PAGES (tests/support/a11y_pages.py): Page(name, who is logged in,
path[, then]); `then(page)` brings the page into a state worth auditing (a form with
errors, ...). A path may use the ids in `Site.ids`; a page that needs new data adds it in
`prepare_data()` (tests/support/a11y_site.py).
"""
from __future__ import annotations

import shutil
import threading
from pathlib import Path

import axe_playwright_python
import pytest
from werkzeug.serving import make_server

from learnhub import create_app
from learnhub.config import PROJECT_ROOT, make_test_config
from learnhub.extensions import db
from tests.support.a11y_pages import AXE_RUNS, LANGUAGES, PAGES, RUNS, VIEWPORT
from tests.support.a11y_site import EXTRA_CONTENT, PASSWORD, Site, prepare_data
from tests.support.browser import CHROMIUM_ARGS
from tests.support.web import IsolatedClient

AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


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
        result = Site(url=f"http://127.0.0.1:{server.server_port}", ids=prepare_data(app))
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
        if run not in AXE_RUNS:
            return
        page.evaluate(AXE_SOURCE)  # evaluated by Playwright: not subject to the page's CSP
        results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        if results["violations"]:
            pytest.fail(f"{spec.name} ({run}) {spec.path}:\n{format_violations(results['violations'])}",
                        pytrace=False)
    finally:
        context.close()
