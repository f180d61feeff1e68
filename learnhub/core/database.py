"""Engine settings per database kind, and committing writes that may race."""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter


def engine_options(url: str) -> dict:
    """Pool settings per database kind.

    PostgreSQL connections are recycled every 30 minutes rather than pinged before each
    use: a ping is one more round trip on every request. SQLite files need neither.
    """
    if url.startswith("sqlite"):
        # Several gunicorn workers share the file: wait for a lock instead of failing at once.
        return {"connect_args": {"timeout": 15}}
    return {"pool_recycle": 1800}


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
    """`<int:...>` in routes: ids beyond a 32-bit integer are a 404, not a database error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)
