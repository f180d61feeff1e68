"""The database is unreachable: answer 503 `service_unavailable` with Retry-After, never 500.

Pages get an error page, /api/ the JSON error body. The pool is not pinged before each
checkout (a round trip per request); instead, when a statement fails because the
connection is dead, SQLAlchemy marks it invalid and invalidates the pool, and the handler
here rolls back and removes the request's session, so the next request checks out a fresh
connection: when the database is back, the next request works without a restart. Only a
connection that sat idle in the pool for a while is pinged when checked out (see
`_ping_after_idle`), so a quiet worker does not fail its first request after a restart.
"""
from __future__ import annotations

import time

from flask import current_app, g, request
from flask_babel import get_locale, gettext as _
from markupsafe import escape
from sqlalchemy import event, exc

from .errors import error_response, render_error_page, wants_json

DEFAULT_RETRY_AFTER = 10  # seconds; `DATABASE_RETRY_AFTER` overrides
DEFAULT_IDLE_PING_SECONDS = 30  # `DATABASE_IDLE_PING_SECONDS`; None: never ping

# SQLite reports these as OperationalError when the file cannot be used right now; other
# OperationalErrors ("no such table", a syntax error) are bugs or a missing migration.
_SQLITE_UNAVAILABLE = (
    "unable to open database file",
    "database is locked",
    "disk i/o error",
    "database or disk is full",
    "attempt to write a readonly database",
    "cannot operate on a closed database",
)


def _is_sqlite(error: exc.DBAPIError) -> bool:
    return type(error.orig).__module__.startswith("sqlite3")


def is_database_unavailable(error: BaseException) -> bool:
    """Does this exception mean "the database cannot be used right now"?"""
    if isinstance(error, exc.TimeoutError):  # the pool stayed exhausted for pool_timeout
        return True
    if not isinstance(error, exc.DBAPIError):
        return False
    if error.connection_invalidated:  # SQLAlchemy recognised a disconnect
        return True
    if not isinstance(error, exc.OperationalError):
        return False
    if _is_sqlite(error):
        message = str(error.orig).lower()
        return any(marker in message for marker in _SQLITE_UNAVAILABLE)
    # PostgreSQL (psycopg): OperationalError is the connection, server shutdown,
    # too many connections, cancelled statements, deadlocks: all worth a retry.
    return True


def retry_after() -> str:
    return str(int(current_app.config.get("DATABASE_RETRY_AFTER", DEFAULT_RETRY_AFTER)))


def _reset_session() -> None:
    """Roll back and drop the request's session so its connection goes back to the pool
    (an invalidated one is discarded) and nothing of this request is reused."""
    from ..extensions import db

    try:
        db.session.rollback()
    except Exception:  # the connection is gone; removing the session is what matters
        current_app.logger.debug("rollback after a database error failed", exc_info=True)
    try:
        db.session.remove()
    except Exception:
        current_app.logger.debug("removing the session after a database error failed", exc_info=True)


_FALLBACK_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title} · LearnHub</title></head>
<body><main><h1>{title} <span class="status-code">(503)</span></h1><p>{message}</p></main></body></html>
"""


def _anonymous():
    from ..extensions import login_manager

    return login_manager.anonymous_user()


def _choose_locale() -> None:
    """Pick the response's language without a query: the user's preference if the user is
    already loaded (and readable), else Accept-Language. flask-babel keeps the choice."""
    if "_login_user" not in g:  # loading the user is what may have failed: do not retry
        g._login_user = _anonymous()
    try:
        get_locale()
    except Exception:  # the loaded user cannot be read without the database
        g._login_user = _anonymous()
        get_locale()


def _unavailable_page(headers: dict):
    # The page must not touch the database again: show it as to a visitor.
    g._login_user = _anonymous()
    message = _("LearnHub cannot reach its database right now. Try again in a minute.")
    try:
        return render_error_page(503, message, headers)
    except Exception:  # nothing may turn the outage into a 500
        current_app.logger.warning("error page failed during a database outage", exc_info=True)
        body = _FALLBACK_PAGE.format(title=escape(_("Service unavailable")), message=escape(message))
        return body, 503, {**headers, "Content-Type": "text/html; charset=utf-8"}


def handle_database_error(error: Exception):
    if not is_database_unavailable(error):
        raise error  # not an outage: the usual 500 handling (and logging) applies
    current_app.logger.warning("Database unavailable on %s %s: %s", request.method, request.path,
                               str(error).splitlines()[0] if str(error) else type(error).__name__)
    _choose_locale()
    _reset_session()
    headers = {"Retry-After": retry_after()}
    if wants_json():
        return error_response(503, "service_unavailable",
                              _("The service is temporarily unavailable. Try again shortly."), headers)
    return _unavailable_page(headers)


def _ping_after_idle(engine, idle_seconds: float) -> None:
    """Ping a pooled connection on checkout only when it sat unused for `idle_seconds`.

    A busy worker never pays the round trip (its connections are never idle that long);
    a worker that was idle while the server restarted finds its dead connections here and
    reconnects instead of failing its first request after the database is back.
    """

    @event.listens_for(engine, "checkin")
    def _stamp(_dbapi_connection, record):
        record.info["learnhub_checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection, record, _proxy):
        checked_in = record.info.pop("learnhub_checked_in", None)
        if checked_in is None or time.monotonic() - checked_in < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # dead: drop it and every connection as old as it
            raise exc.InvalidatePoolError(str(error)) from error


def init_app(app) -> None:
    app.register_error_handler(exc.DBAPIError, handle_database_error)
    app.register_error_handler(exc.TimeoutError, handle_database_error)
    from ..extensions import db

    idle = app.config.get("DATABASE_IDLE_PING_SECONDS", DEFAULT_IDLE_PING_SECONDS)
    with app.app_context():
        if idle is not None and db.engine.dialect.name != "sqlite":
            _ping_after_idle(db.engine, float(idle))
