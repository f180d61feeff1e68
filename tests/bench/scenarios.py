"""The scenarios `make bench` runs, in a registry later issues extend.

A scenario is a function that gets the run's `Context` (server and credentials) and returns
a locust User class; register it with `@scenario(name, label)`. Every such scenario runs for
BENCH_SECONDS with BENCH_USERS users unless it sets `users`, so throughput ratios to the
baseline (`/healthz`) compare like with like.

A scenario with phases of its own (the exam, see exam.py) registers a `run` function
instead, which drives locust itself and returns its own outcome for the report.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from locust import FastHttpUser, constant, task

from . import dashboard
from .checkin import run_checkin
from .exam import run_exam
from .login import Credentials
from .server import BenchServer

BASELINE = "healthz"
UNIT_PATH = "/courses/party-building-online/why-online"
COURSE_API_PATH = "/api/v1/courses/party-building-online"


@dataclass(frozen=True)
class Context:
    server: BenchServer
    credentials: Credentials


@dataclass(frozen=True)
class Scenario:
    name: str  # what BENCH_SCENARIOS and the JSON use
    label: str  # what the table shows
    build: Callable[[Context], type[FastHttpUser]] | None
    users: int | None = None  # None: BENCH_USERS, like the baseline
    run: Callable[[Context, int, float], Any] | None = None  # (ctx, users, seconds), instead of build


REGISTRY: dict[str, Scenario] = {}


def scenario(name: str, label: str, users: int | None = None):
    """Decorator: register a User-class builder under `name` (runs in registration order)."""
    def register(build: Callable[[Context], type[FastHttpUser]]):
        if name in REGISTRY:
            raise ValueError(f"scenario {name!r} registered twice")
        REGISTRY[name] = Scenario(name, label, build, users)
        return build
    return register


def selected(names: list[str] | None) -> list[Scenario]:
    """The scenarios to run: all, or the named ones plus the baseline the ratios need."""
    if not names:
        return list(REGISTRY.values())
    unknown = sorted(set(names) - set(REGISTRY))
    if unknown:
        raise SystemExit(f"unknown scenario(s) {', '.join(unknown)}; known: {', '.join(REGISTRY)}")
    return [s for s in REGISTRY.values() if s.name == BASELINE or s.name in names]


def get_200(path: str, user_agent: str, headers: dict[str, str] | None = None) -> type[FastHttpUser]:
    """A User that GETs `path` back to back; anything but a 200 (even a redirect) fails.

    An explicit Cookie header takes precedence over the client's cookie jar, so the
    session cookies the app re-issues on each page do not replace the one we send.
    """
    class GetUser(FastHttpUser):
        wait_time = constant(0)  # closed loop: the next request as soon as the last answered
        default_headers = {"User-Agent": user_agent}

        @task
        def get(self) -> None:
            with self.client.get(path, headers=headers, name=path, allow_redirects=False,
                                 catch_response=True) as response:
                if response.status_code == 0:  # no HTTP answer: connection refused, timeout...
                    response.failure(repr(getattr(response, "error", None)))
                elif response.status_code != 200:
                    response.failure(f"HTTP {response.status_code}")

    GetUser.__name__ = GetUser.__qualname__ = f"Get{path.replace('/', '_')}"
    return GetUser


@scenario(BASELINE, "GET /healthz")
def healthz(ctx: Context) -> type[FastHttpUser]:
    return get_200("/healthz", ctx.credentials.user_agent)


@scenario("unit_page", "unit page (logged in)")
def unit_page(ctx: Context) -> type[FastHttpUser]:
    cookie = {"Cookie": f"session={ctx.credentials.session_cookie}"}
    return get_200(UNIT_PATH, ctx.credentials.user_agent, cookie)


@scenario("course_api", "course API (token)")
def course_api(ctx: Context) -> type[FastHttpUser]:
    bearer = {"Authorization": f"Bearer {ctx.credentials.api_token}"}
    return get_200(COURSE_API_PATH, ctx.credentials.user_agent, bearer)


# The staff class dashboard (dashboard.py): a seeded class of 2,000 members and 60 units.
scenario("dashboard", "class dashboard page (2,000 members)", users=2)(dashboard.page_user)
scenario("dashboard_xlsx", "class dashboard XLSX export", users=1)(dashboard.export_user)

# After the simple ones: it seeds hundreds of members the others need not pay for.
REGISTRY["exam"] = Scenario("exam", "exam", build=None, run=run_exam)
REGISTRY["checkin"] = Scenario("checkin", "check-in", build=None, run=run_checkin)
