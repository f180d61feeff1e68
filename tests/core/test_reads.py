"""PostgreSQL read requests without BEGIN/ROLLBACK (core.reads): a GET's plain reads run in
autocommit, its first write (or locking read, savepoint, SET) and everything after it in one
transaction; unsafe methods and scripts always in transactions, whatever a read left behind."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from learnhub.auth.models import User
from learnhub.auth.services import issue_token
from learnhub.core.reads import is_plain_read
from learnhub.discussions.models import ThreadUser
from learnhub.extensions import db as _db
from tests.support.discussions import seed_posts, seed_thread
from tests.support.web import api_client


def test_plain_reads_are_selects_that_lock_nothing():
    assert is_plain_read("SELECT users.id FROM users WHERE users.id = %(id)s")
    assert is_plain_read("\n  select 1")
    assert is_plain_read("SELECT format FROM t WHERE title = 'for update'") is False  # a false alarm costs a BEGIN
    for statement in ("SELECT a.id FROM attempts AS a WHERE a.id = %(id)s FOR NO KEY UPDATE OF a",
                      "SELECT id FROM users FOR UPDATE", "SELECT id FROM classes FOR SHARE",
                      "SELECT id FROM t FOR KEY SHARE", "INSERT INTO t VALUES (1)", "UPDATE t SET a = 1",
                      "DELETE FROM t", "WITH x AS (INSERT INTO t VALUES (1) RETURNING id) SELECT id FROM x",
                      "SAVEPOINT sa_savepoint_1", "SET LOCAL work_mem = '64MB'"):
        assert not is_plain_read(statement), statement


@pytest.fixture
def pg_only(is_postgres):
    if not is_postgres:
        pytest.skip("PostgreSQL only: SQLite connections have no autocommit switch here")


@contextmanager
def recorded(app):
    """Each statement the app runs: (plain read?, in autocommit when it ran?)."""
    seen: list[tuple[bool, bool]] = []

    def record(connection, _cursor, statement, *_args):
        seen.append((is_plain_read(statement), connection.connection.dbapi_connection.autocommit))

    with app.app_context():
        engine = _db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_read_request_runs_its_statements_outside_transactions(app, make_user, pg_only):
    user = make_user("reader")
    token, _record = issue_token(user)
    _db.session.commit()
    client = app.test_client()
    with recorded(app) as seen:
        assert client.get("/api/v1/notifications", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert seen and seen == [(True, True)] * len(seen)


def test_a_read_requests_writes_are_one_transaction_and_kept(app, db, make_user, make_class, pg_only):
    head, bob = make_user("head", role="staff"), make_user("bob")
    school_class = make_class(head=head, members=[bob])
    thread = seed_thread(head, class_id=school_class.id, title="Marks")
    seed_posts(thread, [head], 2)
    db.session.commit()
    client, url = api_client(app, bob), f"/threads/{thread.id}"
    with recorded(app) as seen:
        assert client.get(url).status_code == 200
    first_write = next(n for n, (read, _mode) in enumerate(seen) if not read)
    assert all(autocommit for _read, autocommit in seen[:first_write])  # the reads before it
    assert not any(autocommit for _read, autocommit in seen[first_write:])  # the write and all after it
    db.session.expire_all()
    marks = db.session.scalars(select(ThreadUser.last_read_number).where(ThreadUser.user_id == bob.id)).all()
    assert marks == [3]  # committed


def test_unsafe_requests_and_scripts_get_transactions_whatever_a_read_left(app, db, make_user, pg_only):
    user = make_user("writer")
    client = api_client(app, user)
    for _ in range(3):  # the pool hands back the connection the GET used
        with recorded(app) as read:
            assert client.get("/api/v1/notifications").status_code == 200
        with recorded(app) as written:
            assert client.api("POST", "/api/v1/notifications/read").status_code == 200
        assert read and all(autocommit for _read, autocommit in read)
        assert written and not any(autocommit for _read, autocommit in written)
    with app.app_context():  # a script: no request
        connection = db.session.connection()
        assert connection.connection.dbapi_connection.autocommit is False
        db.session.rollback()


def test_a_read_requests_write_rolls_back_with_it(app, db, pg_only):
    with app.test_request_context(method="GET"):
        connection = db.session.connection()
        assert connection.connection.dbapi_connection.autocommit is True
        db.session.execute(select(User.id)).all()
        db.session.add(User(username="never", display_name="Never", password_hash="x", role="member"))
        db.session.flush()
        assert connection.connection.dbapi_connection.autocommit is False
        db.session.rollback()
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.username == "never")) is None
