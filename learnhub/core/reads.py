"""PostgreSQL: a read request's statements without BEGIN and ROLLBACK.

psycopg opens a transaction with a BEGIN of its own before a request's first statement, and the
pool ends it with a ROLLBACK when the request hands the connection back: two round trips on top
of the statements (a unit API request was 4 round trips for its 2 statements). Under PostgreSQL's
READ COMMITTED every statement sees its own snapshot anyway, so reads gain nothing from the
transaction around them.

So a connection taken for a GET, HEAD or OPTIONS request starts in psycopg's autocommit mode.
The first statement that is not a plain read (an INSERT, UPDATE or DELETE, a SELECT ... FOR
UPDATE/SHARE, a SAVEPOINT, a SET, a WITH ...) turns autocommit off before it runs: psycopg sends
BEGIN, and that statement and every one after it are one transaction, committed once or rolled
back as any request's writes are (a unit page recording its visit, a thread page its read mark).
Every checkout sets the mode its request needs, so a connection a read left in autocommit is
never a write request's. Unsafe methods, scripts and SQLite are not touched.
"""
from __future__ import annotations

import re
from functools import lru_cache

from flask import has_request_context, request
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_LOCKING = re.compile(r"\bFOR\s+(NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b", re.IGNORECASE)


@lru_cache(maxsize=2048)
def is_plain_read(statement: str) -> bool:
    """A SELECT that takes no row lock (the statements are the same strings each time: kept)."""
    return statement.lstrip()[:6].upper() == "SELECT" and _LOCKING.search(statement) is None


def _read_request() -> bool:
    return has_request_context() and request.method in READ_METHODS


def configure_postgresql_reads(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "checkout")
    def _mode_for_this_request(dbapi_connection, _record, _proxy):
        """Autocommit for a read request, transactions for anything else (whatever mode the
        connection was left in). A connection that cannot switch is replaced by a new one."""
        wanted = _read_request()
        if dbapi_connection.autocommit != wanted:
            try:
                dbapi_connection.autocommit = wanted  # taken from the pool: no transaction is open
            except Exception as error:
                raise exc.DisconnectionError(f"cannot set autocommit: {error}") from error

    @event.listens_for(engine, "before_cursor_execute")
    def _writes_in_one_transaction(connection, _cursor, statement, _parameters, _context, _many):
        dbapi_connection = connection.connection.dbapi_connection
        if dbapi_connection.autocommit and not is_plain_read(statement):
            dbapi_connection.autocommit = False  # idle between autocommit statements: allowed
