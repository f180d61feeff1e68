"""Shared fixtures. TEST_DATABASE_URL=postgresql://... runs the suite on PostgreSQL."""
from __future__ import annotations

import contextvars
import os
import re
import uuid
from datetime import date
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from learnhub import create_app
from learnhub.auth import services as auth_services
from learnhub.classes.models import Membership
from learnhub.classes.services import create_class
from learnhub.config import make_test_config
from learnhub.courses.index import sync_all
from learnhub.courses.catalog import get_catalog
from learnhub.extensions import db as _db

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "correct-horse-1"


class IsolatedClient(FlaskClient):
    """Runs each request outside the test's app context, as a real server would.

    Otherwise Flask reuses the fixture's app context, and `g` (Flask-Login's cached
    user, Flask-WTF's CSRF token) would leak from one request into the next.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def normalise_url(url: str) -> str:
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    url = normalise_url(url) if url else f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    app = create_app(make_test_config(url))
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        _db.engine.dispose()
    return url


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    """A brand-new empty database on the same kind of server as the suite (for migrations)."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"learnhub_empty_{uuid.uuid4().hex[:8]}"
    server = create_engine(make_url(database_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture(scope="session")
def is_postgres(database_url) -> bool:
    return database_url.startswith("postgresql")


@pytest.fixture
def make_app(database_url):
    """Build apps on the shared test database; rows are wiped after each test."""
    apps = []

    def factory(**overrides):
        app = create_app({**make_test_config(database_url), **overrides})
        app.test_client_class = IsolatedClient
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            _db.session.remove()
            for table in reversed(_db.metadata.sorted_tables):
                _db.session.execute(table.delete())
            _db.session.commit()
            _db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        sync_all(_db.session, get_catalog().tree())
        _db.session.commit()
        yield app


@pytest.fixture
def db():
    """The SQLAlchemy handle, bound to whichever app context the test pushed."""
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app):
    counter = iter(range(1, 10_000))

    def factory(username: str | None = None, role: str = "member", password: str = PASSWORD,
                active: bool = True):
        user = auth_services.create_user(username or f"user{next(counter)}", password, role)
        user.active = active
        _db.session.commit()
        return user

    return factory


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


def signed_in(app, user):
    """A fresh client logged in as `user`, with `.headers` carrying its CSRF token for the API."""
    client = app.test_client()
    assert login(client, user.username).status_code == 302
    client.headers = {"X-CSRFToken": csrf_from(client, "/account")}
    return client


@pytest.fixture
def login_as(client, make_user):
    """Create a user with `role`, log the test client in as them, return the user."""

    def do_login(role: str = "member", **kwargs):
        user = make_user(role=role, **kwargs)
        response = login(client, user.username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return do_login


@pytest.fixture
def count_queries():
    """Context manager counting SQL statements sent to the database."""
    from contextlib import contextmanager

    @contextmanager
    def counter():
        statements: list[str] = []

        def record(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(_db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(_db.engine, "before_cursor_execute", record)

    return counter


@pytest.fixture
def write_content(tmp_path):
    """Write {relative path: text or bytes} under a fresh content dir and return it."""

    def writer(files: dict[str, str | bytes], root: Path | None = None) -> Path:
        root = root or tmp_path / "content"
        for name, data in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
        root.mkdir(exist_ok=True)
        return root

    return writer


# ---- quizzes ------------------------------------------------------------------------------

ALL_TYPES_QUIZ = """---
title: Every type
time_limit: 10m
grace: 30s
review: answers_after_submit
points:
  essay: 2
---
::single::Capital of China? {=Beijing#Right, Beijing. ~Shanghai#No, that is Shanghai. ~Guangzhou}

::multiple::Pick the even numbers. {~%50%2 ~%50%4 ~%-100%3}

::tf::The sky is blue. {T#Not quite.#Yes.}

::short::Name the capital. {=Beijing =Peking}

::numerical::What is pi? {#3.14:0.01}

::matching::Match. {=cat -> meow =dog -> woof =cow -> moo}

::essay::Write a few words. {}

Just some information, no answer needed.
"""


class Clock:
    """A controllable 'now' for the quiz views and API (services take `now` explicitly)."""

    def __init__(self, monkeypatch):
        from datetime import datetime, timezone

        self.now = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)
        # One source of "now" for every module (services, views, column defaults).
        monkeypatch.setattr("learnhub.core.types.now_source", lambda: self.now)

    def advance(self, **delta):
        from datetime import timedelta

        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def quiz_content(write_content):
    """A content tree with one course and quiz files; returns a function adding quizzes."""
    root = write_content({
        "qc/course.md": "---\ntitle: Quiz course\nsummary: S\n---\nText.\n",
        "qc/01-intro.md": "---\ntitle: Intro\ncompletion: quiz\nquiz: every-type\n---\n## Hi\n",
        "qc/quizzes/every-type.gift": ALL_TYPES_QUIZ,
    })

    def add(slug: str, text: str):
        (root / "qc" / "quizzes" / f"{slug}.gift").write_text(text, encoding="utf-8")
        return slug

    add.root = root
    return add


@pytest.fixture
def quiz_app(make_app, quiz_content):
    app = make_app(CONTENT_DIR=str(quiz_content.root))
    with app.app_context():
        sync_all(_db.session, get_catalog().tree())  # what `content sync` does
        _db.session.commit()
        yield app


@pytest.fixture
def quiz_client(quiz_app):
    """A logged-in member's client on quiz_app: `.user`, `.csrf`, `.api(method, path, json)`."""
    client = quiz_app.test_client()
    user = auth_services.create_user("taker", PASSWORD, "member")
    _db.session.commit()
    assert login(client, "taker").status_code == 302
    client.user = user
    client.csrf = csrf_from(client, "/account")

    def api(method: str, path: str, json=None):
        return client.open(path, method=method, json=json, headers={"X-CSRFToken": client.csrf})

    client.api = api
    return client


@pytest.fixture
def make_quiz(quiz_content):
    """make_quiz(slug, body_gift, **settings): a quiz file in the quiz course `qc`."""

    def factory(slug: str, questions: str = "::q::Is it? {T}\n", **settings):
        front = "".join(f"{key}: {value}\n" for key, value in {"title": slug, **settings}.items())
        return quiz_content(slug, f"---\n{front}---\n{questions}")

    return factory


@pytest.fixture
def make_attempt(quiz_app):
    """make_attempt(user, quiz_slug='every-type'): an attempt started through the service."""
    from learnhub.core.types import utcnow
    from learnhub.courses.index import content_index
    from learnhub.quizzes import attempts as rules
    from learnhub.quizzes.loader import get_quiz_catalog

    def factory(user, quiz_slug: str = "every-type", course_slug: str = "qc"):
        course = content_index().course(course_slug)
        quiz = get_quiz_catalog().get(course_slug, quiz_slug)
        attempt, _created = rules.start_attempt(user, course, quiz, utcnow())
        _db.session.commit()
        return attempt

    return factory


# ---- the party school ----------------------------------------------------------------------

@pytest.fixture
def make_class(app, make_user):
    """make_class(head=None, code=None, members=()) -> SchoolClass with a head teacher."""
    counter = iter(range(1, 10_000))

    def factory(head=None, code=None, members=(), graders=(), **fields):
        head = head or make_user(role="staff")
        school_class = create_class(
            head, fields.pop("name", "Activists 2026"), code or f"C{next(counter)}",
            fields.pop("starts_on", date(2026, 9, 1)), fields.pop("ends_on", date(2027, 1, 15)),
            course_slugs=fields.pop("courses", ["party-building-online"]), **fields)
        for user in members:
            _db.session.add(Membership(class_id=school_class.id, user_id=user.id, role="member"))
        for user in graders:
            _db.session.add(Membership(class_id=school_class.id, user_id=user.id, role="grader"))
        _db.session.commit()
        school_class.head = head
        return school_class

    return factory


