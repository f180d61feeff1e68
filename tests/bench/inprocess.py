"""`python -m tests.bench.inprocess [PATH ...] [--requests N] [--profile PATH]`: the hot paths'
cost inside one process, with no server and no load generator: microseconds per request
and the ratio of /healthz's cost to each path's, then (--profile) a pyinstrument profile of one.

wrk (`make bench-wrk`) gives the figures that count; this gives quick, quieter before/after
comparisons while changing a hot path, and the profiles. Each request is a prepared WSGI
environ handed straight to the app (the test client's own work stays out of the timing).
It seeds its own world on a temp SQLite file (TEST-like settings: cheap password hashing,
no rate limits) or on INPROCESS_DATABASE_URL (an empty PostgreSQL database).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from werkzeug.test import EnvironBuilder

from .content import COURSE, EXAM_SLUG, prepare_content

UNIT = "why-online"
USER_AGENT = "learnhub-inprocess-bench"
MEMBERS = 400  # fresh members for the paths each member does once (exam start, check-in)


def build_app(database_url: str | None, workdir: Path):
    from learnhub import create_app
    from learnhub.config import PROJECT_ROOT, make_test_config
    from learnhub.extensions import db

    content = prepare_content(PROJECT_ROOT / "content", workdir)
    url = database_url or f"sqlite:///{workdir / 'inprocess.db'}"
    app = create_app({**make_test_config(url, str(content)), "RATELIMIT_ENABLED": False,
                      "TESTING": False, "CONTENT_RELOAD_SECONDS": 2})
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def seed(app) -> dict:
    """Who and what the paths use; returns their ids and credentials."""
    from learnhub.auth.services import create_user, issue_token
    from learnhub.classes.attendance.sessions import create_session
    from learnhub.classes.models import Membership
    from learnhub.classes.services import create_class
    from learnhub.core.types import utcnow
    from learnhub.courses.catalog import get_catalog
    from learnhub.courses.index import sync_all
    from learnhub.discussions.models import Thread
    from learnhub.extensions import db
    from learnhub.quizzes.models import Quiz
    from tests.support.discussions import course_ids, seed_posts, seed_thread
    from tests.support.factories import add_exam
    from tests.support.web import PASSWORD

    with app.app_context():
        sync_all(db.session, get_catalog().tree())
        db.session.commit()
        head = create_user("inhead", PASSWORD, "staff")
        member = create_user("inmember", PASSWORD, "member")
        crowd = [create_user(f"crowd{n:04d}", PASSWORD, "member") for n in range(MEMBERS)]
        school_class = create_class(head, "Bench class", "INPROC", date.today() - timedelta(days=1),
                                    date.today() + timedelta(days=30), course_slugs=[COURSE],
                                    status="running")
        for user in [member, *crowd]:
            db.session.add(Membership(class_id=school_class.id, user_id=user.id, role="member"))
        quiz = db.session.query(Quiz).filter_by(slug=EXAM_SLUG).one()
        now = utcnow()
        exam = add_exam(school_class, quiz.id, now - timedelta(minutes=5), now + timedelta(hours=2))
        session = create_session(head, school_class, "Lecture", "lecture", now - timedelta(minutes=1),
                                 now + timedelta(hours=1))
        course_id, unit_id = course_ids(COURSE, UNIT)
        thread = seed_thread(member, course_id=course_id, title="A question")
        seed_posts(thread, [member, head], 60)
        db.session.commit()
        world = {"class": school_class.id, "exam": exam.id, "session": session.id,
                 "thread": db.session.get(Thread, thread.id).id,
                 "member_token": issue_token(member)[0], "head_token": issue_token(head)[0],
                 "crowd_tokens": [issue_token(user)[0] for user in crowd]}
        db.session.commit()
    return world


def login_cookie(app, username: str) -> str:
    from tests.support.web import IsolatedClient, login

    app.test_client_class = IsolatedClient
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT  # the measured requests' (one browser)
    assert login(client, username).status_code == 302, "login failed"
    # Like a browser after login, open a page once: the cookie it sets back carries the
    # session's CSRF token, so measured pages re-sign nothing.
    assert client.get("/account").status_code == 200
    cookie = client.get_cookie("session")
    return f"session={cookie.value}"


def call(app, environ: dict) -> tuple[int, bytes, dict]:
    status_headers = {}

    def start_response(status, headers, exc_info=None):
        status_headers["status"] = int(status.split(" ", 1)[0])
        status_headers["headers"] = dict(headers)

    body = b"".join(app(environ, start_response))
    return status_headers["status"], body, status_headers["headers"]


def environ(method: str, path: str, headers: dict, body: object = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    built = EnvironBuilder(path=path, method=method, headers=headers, data=data,
                           content_type="application/json" if data else None,
                           environ_base={"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": USER_AGENT}).get_environ()
    return built


class Paths:
    """Each path: a function giving the environ of request n (n counts from 0)."""

    def __init__(self, app, world: dict) -> None:
        self.app, self.world = app, world
        bearer = {"Authorization": f"Bearer {world['member_token']}"}
        head = {"Authorization": f"Bearer {world['head_token']}"}
        cookie = {"Cookie": login_cookie(app, "inmember")}
        attempt = self._attempt(bearer)
        options = [o["id"] for o in attempt["questions"][0]["options"]]
        question = attempt["questions"][0]["id"]
        etag = call(app, environ("GET", "/api/v1/notifications", bearer))[2].get("ETag", "")
        code = self._short_code(head)
        live = f"/threads/{world['thread']}/live?after=0"  # its ETag leaves `after` out: unchanged is a 304
        live_etag = call(app, environ("GET", live, cookie))[2].get("ETag", "")
        start_path = f"/api/v1/courses/{COURSE}/quizzes/{EXAM_SLUG}/attempts"
        crowd = world["crowd_tokens"]
        half = len(crowd) // 2
        self.paths = {
            "healthz": lambda n: environ("GET", "/healthz", {}),
            "unit_api": lambda n: environ("GET", f"/api/v1/courses/{COURSE}/units/{UNIT}", bearer),
            "unit_page": lambda n: environ("GET", f"/courses/{COURSE}/{UNIT}", cookie),
            "autosave": lambda n: environ("PUT", f"/api/v1/attempts/{attempt['id']}/answers/{question}",
                                          bearer, {"response": options[n % len(options)]}),
            "exam_start": lambda n: environ("POST", start_path,
                                            {"Authorization": f"Bearer {crowd[n % half]}"},
                                            {"exam": world["exam"]}),
            "checkin": lambda n: environ("POST", "/api/v1/checkin",
                                         {"Authorization": f"Bearer {crowd[half + n % half]}"},
                                         {"session": world["session"], "code": code}),
            "thread_page": lambda n: environ("GET", f"/threads/{world['thread']}", cookie),
            # An open thread's poll with nothing new (each open tab, every LIVE_POLL_SECONDS); the API's page.
            "thread_live_304": lambda n: environ("GET", live, {**cookie, "If-None-Match": live_etag}),
            "thread_api": lambda n: environ("GET", f"/api/v1/threads/{world['thread']}", bearer),
            "notifications_304": lambda n: environ("GET", "/api/v1/notifications",
                                                   {**bearer, "If-None-Match": etag}),
            "dashboard": lambda n: environ("GET", f"/api/v1/classes/{world['class']}/progress?limit=100",
                                           head),
            # The head teacher's results lists (after exam_start in the same run, with attempts).
            "results": lambda n: environ("GET", f"/api/v1/classes/{world['class']}/exams/{world['exam']}"
                                                "/results?limit=100", head),
            "gradebook": lambda n: environ("GET", f"/api/v1/classes/{world['class']}/gradebook?limit=100", head),
            # A member's submit, one answer saved (its start and save untimed, when the request is
            # prepared): check-in's members, who have no attempt yet.
            "submit": lambda n: self._submit(crowd[half + n % half]),
        }
        self.once_each = {"exam_start", "checkin", "submit"}  # a member does these once: at most `half` requests

    def _attempt(self, bearer: dict) -> dict:
        path = f"/api/v1/courses/{COURSE}/quizzes/{EXAM_SLUG}/attempts"
        status, body, _ = call(self.app, environ("POST", path, bearer, {"exam": self.world["exam"]}))
        assert status in (200, 201), body[:300]
        return json.loads(body)

    def _submit(self, token: str) -> dict:
        """The submit request of a member who has just started the exam and saved one answer."""
        bearer = {"Authorization": f"Bearer {token}"}
        attempt = self._attempt(bearer)
        question = attempt["questions"][0]
        call(self.app, environ("PUT", f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}", bearer,
                               {"response": question["options"][0]["id"]}))
        return environ("POST", f"/api/v1/attempts/{attempt['id']}/submit", bearer)

    def _short_code(self, head: dict) -> str:
        status, body, _ = call(self.app, environ("GET", f"/api/v1/sessions/{self.world['session']}/code", head))
        assert status == 200, body[:300]
        return json.loads(body)["short_code"]


def measure(app, make_environ, requests: int, warmup: int) -> dict:
    for n in range(warmup):
        call(app, make_environ(n))
    prepared = [make_environ(warmup + n) for n in range(requests)]
    timings, statuses = [], {}
    for env in prepared:
        started = time.perf_counter()
        status, _, _ = call(app, env)
        timings.append(time.perf_counter() - started)
        statuses[status] = statuses.get(status, 0) + 1
    return {"median_us": statistics.median(timings) * 1e6, "mean_us": statistics.fmean(timings) * 1e6,
            "statuses": statuses}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--profile", help="profile this path with pyinstrument after measuring")
    args = parser.parse_args()
    import os

    with tempfile.TemporaryDirectory(prefix="learnhub-inprocess-") as folder:
        app = build_app(os.environ.get("INPROCESS_DATABASE_URL"), Path(folder))
        paths = Paths(app, seed(app))
        chosen = args.paths or list(paths.paths)
        if "healthz" not in chosen:
            chosen.insert(0, "healthz")
        results = {}
        for name in chosen:
            count = min(args.requests, MEMBERS // 2 - 20) if name in paths.once_each else args.requests
            warmup = 0 if name in paths.once_each else 20
            offset = 20 if name in paths.once_each else 0
            results[name] = measure(app, lambda n, f=paths.paths[name], o=offset: f(n + o), count, warmup)
        base = results["healthz"]["median_us"]
        print(f"{'path':<20} {'median µs':>10} {'mean µs':>10} {'healthz/path':>13}  statuses")
        for name, r in results.items():
            print(f"{name:<20} {r['median_us']:>10.0f} {r['mean_us']:>10.0f} {base / r['median_us']:>13.2f}  "
                  f"{r['statuses']}")
        if args.profile:
            from pyinstrument import Profiler

            make = paths.paths[args.profile]
            # A path each member does once: the 20 members its measurement left out (its offset).
            prepared = [make(n) for n in range(20 if args.profile in paths.once_each else args.requests)]
            profiler = Profiler(interval=0.0002)
            profiler.start()
            for env in prepared:
                call(app, env)
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
