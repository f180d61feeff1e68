"""The search index beside the `posts` table, one per database (DDL the models cannot declare).

`posts.search_text` holds the tokens of a post (and of its thread's title, on post 1), made
in Python by `search.tokens` so Chinese is split the same way on both databases. SQLite
indexes them with an FTS5 table kept in step by triggers (external content: the text is
stored once, in `posts`); PostgreSQL with a GIN index on a `simple` tsvector of the column.
Both are made by migration 0017 and, for databases built from the models (the tests'),
by `create_all` through the listeners below. The names start with `posts_fts` / `ix_posts_search`
so the models-vs-migrations check can leave them out (`is_search_object`).
"""
from __future__ import annotations

from sqlalchemy import DDL, event

FTS_TABLE = "posts_fts"
PG_INDEX = "ix_posts_search"

SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(search_text, content='posts', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER {FTS_TABLE}_ai AFTER INSERT ON posts BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"CREATE TRIGGER {FTS_TABLE}_ad AFTER DELETE ON posts BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    f"CREATE TRIGGER {FTS_TABLE}_au AFTER UPDATE OF search_text ON posts BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
)
SQLITE_DROP = (f"DROP TRIGGER IF EXISTS {FTS_TABLE}_au", f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ad",
               f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ai", f"DROP TABLE IF EXISTS {FTS_TABLE}")
POSTGRES_DDL = (f"CREATE INDEX {PG_INDEX} ON posts USING gin (to_tsvector('simple', search_text))",)
POSTGRES_DROP = (f"DROP INDEX IF EXISTS {PG_INDEX}",)


def is_search_object(name: str | None) -> bool:
    """The index's own tables and index (FTS5 adds shadow tables named after its table)."""
    return bool(name) and (name.startswith(FTS_TABLE) or name == PG_INDEX)


def install(posts_table) -> None:
    """Build the index whenever `create_all` builds `posts` (and drop it with `drop_all`)."""
    for statement in SQLITE_DDL:
        event.listen(posts_table, "after_create", DDL(statement).execute_if(dialect="sqlite"))
    for statement in POSTGRES_DDL:
        event.listen(posts_table, "after_create", DDL(statement).execute_if(dialect="postgresql"))
    for statement in SQLITE_DROP:
        event.listen(posts_table, "before_drop", DDL(statement).execute_if(dialect="sqlite"))
