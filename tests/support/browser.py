"""Browser tests: Chromium's flags, a CSP listener for pages, a served quiz course, a new page,
logging in through the login form, and a quiz started in a page."""
from __future__ import annotations

from learnhub.auth import services as auth_services
from learnhub.extensions import db

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
# Records CSP violations from inside the page (init scripts are exempt from the CSP).
CSP_LISTENER = ("window.__cspViolations = [];"
                "document.addEventListener('securitypolicyviolation',"
                " e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));")
PASSWORD = "browser-pass-1"
QUIZ = """---
title: Ten seconds
time_limit: 10s
grace: 5s
---
::capital::What is the capital of China? {=Beijing ~Shanghai ~Guangzhou}

::sky::The sky is blue on a clear day. {T}
"""


def serve_quiz_course(serve, write_content, slug: str, gift: str):
    """A live server whose content is the course `qc` (one lesson) with the quiz `slug` (GIFT text)."""
    root = write_content({"qc/course.md": "---\ntitle: Quiz course\nsummary: S\n---\nText.\n",
                          "qc/01-intro.md": "---\ntitle: Intro\n---\n## Hi\n",
                          f"qc/quizzes/{slug}.gift": gift})
    return serve(CONTENT_DIR=str(root))


def new_page(browser, width: int = 390, height: int = 800):
    """A page in a context of its own (English, `width` px wide) that records CSP violations
    (window.__cspViolations) and script errors (the list returned with it)."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
    page = context.new_page()
    page.add_init_script(CSP_LISTENER)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


def log_in(page, server, username: str, next_path: str, password: str = PASSWORD) -> None:
    """Log `username` in through the login form on `page` and wait for `next_path`."""
    page.goto(f"{server.url}/login?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{next_path}")


def start_quiz(serve, page, write_content, quiz_text: str):
    """Serve a course with one quiz, log a new member in on `page` and start an attempt."""
    root = write_content({
        "t/course.md": "---\ntitle: Timed\nsummary: S\n---\nA course.\n",
        "t/01-only.md": "---\ntitle: Only\n---\n## Text\n",
        "t/quizzes/q.gift": quiz_text,
    })
    server = serve(CONTENT_DIR=str(root))
    with server.app.app_context():
        auth_services.create_user("quizzer", PASSWORD, "member")
        db.session.commit()
    page.goto(f"{server.url}/login?next=/courses/t/quizzes/q")
    page.get_by_label("Username").fill("quizzer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Start the attempt").click()
    page.wait_for_url("**/attempts/*")
    return server
