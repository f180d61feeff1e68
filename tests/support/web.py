"""Clients of the app under test: the real login form with CSRF on, and JSON API clients."""
from __future__ import annotations

import contextvars
import re

from flask.testing import FlaskClient

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "correct-horse-1"


class IsolatedClient(FlaskClient):
    """Runs each request outside the test's app context, as a real server would.

    Otherwise Flask reuses the fixture's app context, and `g` (Flask-Login's cached
    user, Flask-WTF's CSRF token) would leak from one request into the next.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def csrf_from(client, url: str) -> str:
    response = client.get(url)
    match = CSRF_INPUT.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def login(client, username: str, password: str = PASSWORD, next_url: str | None = None):
    """Log in through the real form, CSRF included."""
    token = csrf_from(client, "/login")
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"username": username, "password": password, "csrf_token": token})


def api_login(client, user) -> dict:
    """Log `client` in as `user`; the headers its API writes need (the CSRF token)."""
    assert login(client, user.username).status_code == 302
    return {"X-CSRFToken": csrf_from(client, "/account")}


def signed_in(app, user):
    """A fresh client logged in as `user`, with `.headers` carrying its CSRF token for the API."""
    client = app.test_client()
    client.headers = api_login(client, user)
    return client


def api_client(app, user):
    """A fresh client logged in as `user`: `.csrf` and `.api(method, path, json)` for the API."""
    client = app.test_client()
    client.csrf = api_login(client, user)["X-CSRFToken"]
    client.api = lambda method, path, json=None: client.open(path, method=method, json=json,
                                                             headers={"X-CSRFToken": client.csrf})
    return client

