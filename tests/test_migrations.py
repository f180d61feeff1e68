"""The migrations build exactly the schema the models describe."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect

from learnhub import create_app
from learnhub.config import make_test_config
from learnhub.discussions.search_schema import is_search_object
from learnhub.extensions import db


def test_upgrade_empty_database_to_head_matches_models(empty_database_url):
    app = create_app(make_test_config(empty_database_url))
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "api_tokens", "courses", "units", "unit_progress", "alembic_version"} <= tables
        with db.engine.connect() as connection:
            # The search index (FTS5 tables, a GIN expression index) is DDL the models cannot declare.
            context = MigrationContext.configure(connection, opts={
                "compare_type": True,
                "include_name": lambda name, kind, parents: not is_search_object(name)})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []
