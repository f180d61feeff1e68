"""Log the bench member in once, before the load starts.

The login and token endpoints are rate limited (10 a minute), so the simulated users share
one session cookie and one API token instead of each logging in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import requests

from .server import BENCH_PASSWORD, BENCH_USERNAME

# Flask-Login ties a session to the client's address and User-Agent (it marks the session
# not fresh when they change): the load generator sends the same User-Agent the login used.
USER_AGENT = "learnhub-bench/1"
CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE_ATTR = re.compile(r'value="([^"]+)"')


class LoginError(RuntimeError):
    """Logging in or getting a token did not work; the message says what came back."""


@dataclass(frozen=True)
class Credentials:
    session_cookie: str
    api_token: str
    user_agent: str = USER_AGENT


def csrf_token(html: str) -> str:
    field = CSRF_INPUT.search(html)
    value = VALUE_ATTR.search(field.group(0)) if field else None
    if value is None:
        raise LoginError("no csrf_token input on the login page")
    return value.group(1)


def session_cookie(base_url: str) -> str:
    """The `session` cookie of a logged-in member, via the real login form (CSRF on)."""
    http = requests.Session()
    http.headers["User-Agent"] = USER_AGENT
    page = http.get(f"{base_url}/login", timeout=10)
    page.raise_for_status()
    form = {"username": BENCH_USERNAME, "password": BENCH_PASSWORD, "csrf_token": csrf_token(page.text)}
    response = http.post(f"{base_url}/login", data=form, allow_redirects=False, timeout=10)
    cookie = http.cookies.get("session")
    # Success redirects to the home page; a 200 is the form again with an error.
    if response.status_code != 302 or not cookie:
        raise LoginError(f"POST /login answered {response.status_code}, expected a 302 redirect")
    # Like a browser after login, open the home page once: the cookie it sets back carries
    # the session's CSRF token, so later pages need not re-issue the cookie.
    http.get(f"{base_url}/", timeout=10).raise_for_status()
    return http.cookies.get("session")


def api_token(base_url: str, username: str = BENCH_USERNAME, password: str = BENCH_PASSWORD) -> str:
    response = requests.post(f"{base_url}/api/v1/auth/token", timeout=10,
                             json={"username": username, "password": password})
    if response.status_code != 201:
        raise LoginError(f"POST /api/v1/auth/token answered {response.status_code}: {response.text[:200]}")
    return response.json()["token"]


def log_in(base_url: str) -> Credentials:
    return Credentials(session_cookie=session_cookie(base_url), api_token=api_token(base_url))
