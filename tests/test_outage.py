"""The database is unreachable: 503 `service_unavailable` with Retry-After, pages and API
alike, never a 500; when it is back, the next request works without a restart.

The PostgreSQL tests run under TEST_DATABASE_URL=postgresql://...: one puts a TCP proxy
between the app and the server and cuts it (a network outage, then nothing listening),
one terminates the app's backend connections from a second connection (a server restart).
"""
from __future__ import annotations

import socket
import threading

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from learnhub import create_app
from learnhub.config import make_test_config
from learnhub.extensions import db as _db
from tests.support.web import PASSWORD, IsolatedClient, login


def assert_unavailable_page(response):
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    assert response.headers["Retry-After"].isdigit()
    assert "text/html" in response.content_type


def assert_unavailable_api(response):
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    assert response.headers["Retry-After"].isdigit()
    assert response.get_json()["error"]["code"] == "service_unavailable"


# ---- SQLite: an unusable database file ---------------------------------------------------------

def broken_sqlite_app(tmp_path):
    url = f"sqlite:///{tmp_path / 'no-such-dir' / 'learnhub.db'}"
    app = create_app({**make_test_config(url), "PROPAGATE_EXCEPTIONS": True})
    app.test_client_class = IsolatedClient
    return app


def test_unopenable_sqlite_file_is_503_for_pages_and_api(tmp_path):
    app = broken_sqlite_app(tmp_path)
    client = app.test_client()
    page = client.get("/login")
    assert_unavailable_page(page)
    assert "database" in page.get_data(as_text=True)
    assert_unavailable_page(client.get("/courses/anything", headers={"Accept-Language": "zh-CN"}))
    api = client.post("/api/v1/auth/token", json={"username": "someone", "password": "x" * 10})
    assert_unavailable_api(api)
    assert client.get("/readyz").status_code == 503  # as before: plain text
    assert client.get("/healthz").status_code == 200
    with app.app_context():
        _db.engine.dispose()


def test_a_database_bug_is_still_a_500_not_a_503():
    """Only "unavailable" OperationalErrors are 503: a missing table is a bug to see."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from learnhub.core.outage import is_database_unavailable

    assert not is_database_unavailable(OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x")))
    assert is_database_unavailable(OperationalError("SELECT", {}, sqlite3.OperationalError("database is locked")))
    assert is_database_unavailable(OperationalError("SELECT", {}, sqlite3.OperationalError("unable to open database file")))
    assert not is_database_unavailable(ValueError("x"))


# ---- PostgreSQL: a real outage ------------------------------------------------------------------

class TcpProxy:
    """Forwards 127.0.0.1:<port> to the database; `cut()` drops every connection and stops
    listening (connections are refused), `restore()` listens on the same port again."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = None
        self.listener = None
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.restore()

    def restore(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port or 0))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self):
        try:  # wakes the accept() blocked in the other thread: nothing listens any more
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            sockets, self.sockets = self.sockets, []
        for s in sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


@pytest.fixture
def pg_url(database_url, is_postgres):
    if not is_postgres:
        pytest.skip("needs TEST_DATABASE_URL=postgresql://...")
    return database_url


@pytest.fixture
def make_pg_app(pg_url):
    """Apps on the test database whose every connection goes through a TcpProxy."""
    apps = []

    def factory(**overrides):
        url = make_url(pg_url)
        proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        app = create_app({**make_test_config(proxied), **overrides})
        app.test_client_class = IsolatedClient
        app.proxy = proxy
        apps.append(app)
        from learnhub.auth import services
        with app.app_context():
            services.create_user("outage", PASSWORD, "member")
            _db.session.commit()
        return app

    yield factory
    for app in apps:
        app.proxy.cut()
        with app.app_context():
            _db.engine.dispose()
    engine = create_engine(pg_url)
    with engine.begin() as connection:  # wipe the rows, as make_app does
        for table in reversed(_db.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()


@pytest.fixture
def pg_app(make_pg_app):
    return make_pg_app()


def logged_in(app):
    client = app.test_client()
    assert login(client, "outage").status_code == 302
    token = client.post("/api/v1/auth/token", json={"username": "outage", "password": PASSWORD})
    assert token.status_code == 201
    client.bearer = {"Authorization": f"Bearer {token.get_json()['token']}"}
    return client


def test_postgres_outage_is_503_then_recovers_without_restart(pg_app):
    client = logged_in(pg_app)
    assert client.get("/account").status_code == 200
    assert client.get("/api/v1/me", headers=client.bearer).status_code == 200

    pg_app.proxy.cut()  # live connections die, new ones are refused
    for _ in range(2):  # the dead pooled connection, then a refused new one
        page = client.get("/account")
        assert_unavailable_page(page)
        assert "LearnHub" in page.get_data(as_text=True)
        assert_unavailable_api(client.get("/api/v1/me", headers=client.bearer))
    assert client.get("/readyz").status_code == 503

    pg_app.proxy.restore()
    page = client.get("/account")
    assert page.status_code == 200 and "outage" in page.get_data(as_text=True)
    assert client.get("/api/v1/me", headers=client.bearer).get_json()["username"] == "outage"
    assert client.get("/readyz").status_code == 200


def terminate_backends(pg_url) -> int:
    engine = create_engine(pg_url)
    with engine.connect() as connection:
        killed = connection.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    engine.dispose()
    return killed


def test_postgres_backends_terminated_busy_worker_recovers_on_the_next_request(pg_url, make_pg_app):
    app = make_pg_app(DATABASE_IDLE_PING_SECONDS=3600)  # the connection counts as busy: no ping
    client = logged_in(app)
    assert client.get("/account").status_code == 200
    assert terminate_backends(pg_url) >= 1
    # The pooled connection is dead: this request finds out (503, never 500) and the pool
    # is invalidated; the one after it gets a fresh connection.
    assert_unavailable_api(client.get("/api/v1/me", headers=client.bearer))
    assert client.get("/api/v1/me", headers=client.bearer).status_code == 200
    page = client.get("/account")
    assert page.status_code == 200 and "outage" in page.get_data(as_text=True)


def test_postgres_backends_terminated_idle_worker_does_not_fail_at_all(pg_url, make_pg_app):
    app = make_pg_app(DATABASE_IDLE_PING_SECONDS=0)  # every pooled connection counts as idle
    client = logged_in(app)
    assert client.get("/account").status_code == 200
    assert terminate_backends(pg_url) >= 1
    assert client.get("/api/v1/me", headers=client.bearer).status_code == 200
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize("idle,pinged", [(3600, False), (0, True)])
def test_a_pooled_connection_is_pinged_only_after_sitting_idle(make_pg_app, monkeypatch, idle, pinged):
    app = make_pg_app(DATABASE_IDLE_PING_SECONDS=idle)
    with app.app_context():
        dialect = _db.engine.dialect
    client = logged_in(app)
    pings = []
    real = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda connection: (pings.append(1), real(connection))[1])
    for _ in range(3):
        assert client.get("/api/v1/me", headers=client.bearer).status_code == 200
    assert bool(pings) is pinged


def test_a_database_bug_in_production_is_a_500_and_a_pool_timeout_a_503(make_app):
    """Not an outage: the usual 500 (JSON under /api/, logged). An exhausted pool: 503."""
    import sqlite3

    from sqlalchemy.exc import IntegrityError, OperationalError, TimeoutError as PoolTimeout

    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    def bug():
        raise OperationalError("SELECT x", {}, sqlite3.OperationalError("no such column: x"))

    def duplicate():
        raise IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))

    def exhausted():
        raise PoolTimeout("QueuePool limit of size 5 overflow 10 reached")

    for name, view in (("bug", bug), ("duplicate", duplicate), ("exhausted", exhausted)):
        app.add_url_rule(f"/api/v1/test-{name}", name, view)
    client = app.test_client()
    for name in ("bug", "duplicate"):
        response = client.get(f"/api/v1/test-{name}")
        assert response.status_code == 500 and response.get_json()["error"]["code"] == "internal_error"
    assert_unavailable_api(client.get("/api/v1/test-exhausted"))
