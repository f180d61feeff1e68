"""Engine settings per database kind, and committing writes that may race."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from werkzeug.routing import IntegerConverter


def engine_options(url: str, pool_size: int = 20, max_overflow: int = 0) -> dict:
    """Pool settings per database kind.

    PostgreSQL connections are recycled every 30 minutes rather than pinged before each
    use: a ping is one more round trip on every request. The pool keeps `pool_size` of them
    (DATABASE_POOL_SIZE) and opens up to `max_overflow` more for a burst: a new backend costs
    PostgreSQL a process and its catalog caches, so a busy worker should reuse, not reconnect.
    SQLite files need none of this.
    """
    if url.startswith("sqlite"):
        # Several gunicorn workers share the file: wait for a lock instead of failing at once.
        return {"connect_args": {"timeout": 15}}
    return {"pool_recycle": 1800, "pool_size": pool_size, "max_overflow": max_overflow}


def configure_sqlite(engine: Engine) -> None:
    """WAL lets readers run while a writer commits; NORMAL sync is safe with WAL."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in routes: an id beyond a 32-bit integer becomes 0, which no row has, so
    the view's own lookup answers 404. (Refusing it in the converter instead makes werkzeug
    answer 405 when another method of the same path matched first.)"""

    MAX_ID = 2**31 - 1

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= self.MAX_ID else 0


# ---- unique-constraint races ------------------------------------------------------------------

class Conflict(Exception):
    """Internal: the block inside `savepoint` hit a unique or check constraint."""


def _begin_sqlite_transaction(session) -> None:
    """pysqlite opens a transaction only before INSERT/UPDATE/DELETE; a SAVEPOINT sent
    outside one would start (and its RELEASE would commit) the whole transaction. Open the
    request's transaction first, taking the write lock we are about to need anyway."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    dbapi_connection = connection.connection.dbapi_connection
    if not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN IMMEDIATE")


def lock_for_writing(session) -> None:
    """Before reads that must not change until the commit: on SQLite, open the transaction with
    the database's write lock (BEGIN IMMEDIATE), so no other writer commits in between; on
    PostgreSQL nothing (lock the rows read, FOR UPDATE)."""
    _begin_sqlite_transaction(session)


@contextmanager
def savepoint(session, conflict: Exception | None = None):
    """Run the block in a SAVEPOINT. An IntegrityError inside rolls back only the block
    (never the caller's transaction) and is raised as `conflict` (a DomainError) or, when
    none is given, as `Conflict` for the caller to resolve (e.g. read the winner's row)."""
    _begin_sqlite_transaction(session)
    try:
        with session.begin_nested():
            yield
    except IntegrityError as error:
        raise (conflict if conflict is not None else Conflict(str(error.orig))) from error


def add_or_get(session, instance, find_existing):
    """Insert `instance` unless a concurrent request inserted the same row first.

    `find_existing()` returns that row (or None). Returns (row, created). A constraint
    violation that is not such a race (no existing row) is re-raised, not swallowed.
    """
    try:
        with savepoint(session):
            session.add(instance)
            session.flush()
    except Conflict:
        existing = find_existing()
        if existing is None:
            raise
        return existing, False
    return instance, True
