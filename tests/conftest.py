"""Shared fixtures. TEST_DATABASE_URL=postgresql://... runs the suite on PostgreSQL."""
from __future__ import annotations

import os
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from learnhub import create_app
from learnhub.auth import services as auth_services
from learnhub.classes.services import create_class
from learnhub.config import make_test_config
from learnhub.courses.catalog import get_catalog
from learnhub.courses.index import sync_all
from learnhub.extensions import db as _db
from tests.support.content import course_file, unit_file
from tests.support.factories import enrol, start_session
from tests.support.quizzes import ALL_TYPES_QUIZ, Clock
from tests.support.shared_compiles import compile_url_builders_on_first_use, share_compiled_templates
from tests.support.web import PASSWORD, IsolatedClient, api_client, login

compile_url_builders_on_first_use()  # every test builds its own app (tests/support/shared_compiles.py)


def normalise_url(url: str) -> str:
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _server_statement(url: str, statement: str) -> None:
    server = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(statement))
    server.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The suite's database. Under pytest-xdist (`make test` runs two workers) each worker has
    its own: a temp SQLite file, or on PostgreSQL a database named after TEST_DATABASE_URL's
    with the worker's id appended, made here and dropped at the end."""
    url = os.environ.get("TEST_DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    own_database = None
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    elif worker:
        base = make_url(normalise_url(url))
        own_database = f"{base.database}_{worker}"
        _server_statement(normalise_url(url), f'DROP DATABASE IF EXISTS "{own_database}" WITH (FORCE)')
        _server_statement(normalise_url(url), f'CREATE DATABASE "{own_database}"')
        # A test database need not wait for each commit to reach the disk (tests commit often).
        _server_statement(normalise_url(url), f'ALTER DATABASE "{own_database}" SET synchronous_commit = off')
        url = base.set(database=own_database).render_as_string(hide_password=False)
    url = normalise_url(url)
    app = create_app(make_test_config(url))
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        _db.engine.dispose()
    yield url
    if own_database:
        _server_statement(url, f'DROP DATABASE IF EXISTS "{own_database}" WITH (FORCE)')


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    """A brand-new empty database on the same kind of server as the suite (for migrations)."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"learnhub_empty_{uuid.uuid4().hex[:8]}"
    _server_statement(database_url, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    finally:
        _server_statement(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def is_postgres(database_url) -> bool:
    return database_url.startswith("postgresql")


@pytest.fixture
def make_app(database_url):
    """Build apps on the shared test database; rows are wiped after each test."""
    apps = []

    def factory(**overrides):
        app = create_app({**make_test_config(database_url), **overrides})
        share_compiled_templates(app)
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
    user = auth_services.create_user("taker", PASSWORD, "member")
    _db.session.commit()
    client = api_client(quiz_app, user)
    client.user = user
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
            enrol(school_class, user, "member")
        for user in graders:
            enrol(school_class, user, "grader")
        _db.session.commit()
        school_class.head = head
        return school_class

    return factory


@pytest.fixture
def school(app, db, make_user, make_class, clock):
    """A class (head teacher, grader, two members) with a session that started 5 minutes ago."""
    members = [make_user(f"member{i}") for i in (1, 2)]
    grader = make_user("grader", role="instructor")
    school_class = make_class(members=members, graders=[grader])
    session = start_session(school_class, "Lecture 1", clock.now - timedelta(minutes=5),
                            clock.now + timedelta(hours=1), place="Room 101", late_after_minutes=10)
    db.session.commit()

    class School:
        pass

    school = School()
    school.school_class, school.session, school.members, school.grader = school_class, session, members, grader
    school.head = school_class.head
    return school


# ---- content that a test may change ----------------------------------------------------------

@pytest.fixture
def content_app(make_app, write_content):
    """An app over a small content tree that tests may change."""
    root = write_content({
        "c/course.md": course_file("Small course"),
        "c/01-first.md": unit_file("First"),
        "c/02-second.md": unit_file("Second", completion="manual"),
        "c/03-hidden.md": unit_file("Hidden draft", draft=True),
        "secret/course.md": course_file("Secret draft course", draft=True, order=2),
        "secret/01-only.md": unit_file("Only"),
    })
    app = make_app(CONTENT_DIR=str(root))
    with app.app_context():
        yield app


@pytest.fixture
def content_client(content_app, db):
    """A client of content_app and a function logging it in as a new user with a role."""
    client = content_app.test_client()
    names = iter(range(1, 1000))

    def log_in(role: str = "member"):
        user = auth_services.create_user(f"reader{next(names)}", PASSWORD, role)
        db.session.commit()
        assert login(client, user.username).status_code == 302
        return user

    client.log_in = log_in
    return client
