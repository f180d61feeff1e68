"""discussions: threads, posts, revisions, readers' places, reports, and the search index

Revision ID: 0017
Revises: 0016

The search index is DDL the models cannot declare (learnhub/discussions/search_schema.py,
copied here so this migration stays as it was written): an FTS5 table kept in step by
triggers on SQLite, a GIN index on a `simple` tsvector of posts.search_text on PostgreSQL.
"""
import sqlalchemy as sa
from alembic import op

import learnhub.core.types

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE posts_fts USING fts5(search_text, content='posts', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER posts_fts_ai AFTER INSERT ON posts BEGIN "
    "INSERT INTO posts_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER posts_fts_ad AFTER DELETE ON posts BEGIN "
    "INSERT INTO posts_fts(posts_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER posts_fts_au AFTER UPDATE OF search_text ON posts BEGIN "
    "INSERT INTO posts_fts(posts_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO posts_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
)
SQLITE_SEARCH_DROP = ("DROP TRIGGER IF EXISTS posts_fts_au", "DROP TRIGGER IF EXISTS posts_fts_ad",
                      "DROP TRIGGER IF EXISTS posts_fts_ai", "DROP TABLE IF EXISTS posts_fts")
POSTGRES_SEARCH = ("CREATE INDEX ix_posts_search ON posts USING gin (to_tsvector('simple', search_text))",)
POSTGRES_SEARCH_DROP = ("DROP INDEX IF EXISTS ix_posts_search",)


def _run(statements) -> None:
    for statement in statements:
        op.execute(statement)


def _search(sqlite, postgres) -> None:
    dialect = op.get_bind().dialect.name
    _run(sqlite if dialect == "sqlite" else postgres if dialect == "postgresql" else ())


def upgrade():
    op.create_table('threads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('class_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False, comment='discussion, or question (one reply may be accepted)'),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('pinned', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('locked', sa.Boolean(), server_default=sa.false(), nullable=False, comment='no new replies'),
    sa.Column('highest_number', sa.Integer(), server_default=sa.text('0'), nullable=False, comment='the number of the last post written'),
    sa.Column('replies_count', sa.Integer(), server_default=sa.text('0'), nullable=False, comment='replies shown (not deleted or hidden)'),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False, comment='bumped by every change to the thread or its posts: the ETag'),
    sa.Column('created_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_posted_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=False, comment="the last reply's time: the lists' order"),
    sa.Column('last_poster_id', sa.Integer(), nullable=True),
    sa.Column('hidden', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('hidden_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('hidden_reason', sa.String(length=500), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('discussion', 'question')", name=op.f('ck_threads_kind_known')),
    sa.CheckConstraint('(course_id IS NULL) <> (class_id IS NULL)', name=op.f('ck_threads_course_or_class')),
    sa.CheckConstraint('highest_number >= 0 AND replies_count >= 0', name=op.f('ck_threads_counts_not_negative')),
    sa.CheckConstraint('unit_id IS NULL OR course_id IS NOT NULL', name=op.f('ck_threads_unit_in_course')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_threads_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['class_id'], ['classes.id'], name=op.f('fk_threads_class_id_classes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_threads_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_threads_hidden_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['last_poster_id'], ['users.id'], name=op.f('fk_threads_last_poster_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_threads_unit_id_units'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_threads'))
    )
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_threads_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_threads_class_activity', ['class_id', 'pinned', 'last_posted_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_threads_class_id'), ['class_id'], unique=False)
        batch_op.create_index('ix_threads_course_activity', ['course_id', 'pinned', 'last_posted_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_threads_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_threads_hidden_by_id'), ['hidden_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_threads_last_poster_id'), ['last_poster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_threads_unit_id'), ['unit_id'], unique=False)

    op.create_table('posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False, comment='1, 2, 3... within the thread'),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False, comment='Markdown as written'),
    sa.Column('body_html', sa.Text(), nullable=False, comment='rendered once on write (member-text renderer)'),
    sa.Column('excerpt', sa.String(length=200), nullable=False, comment='plain text start, for quotes and notifications'),
    sa.Column('quote_post_id', sa.Integer(), nullable=True, comment='the post this reply quotes'),
    sa.Column('accepted', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('client_key', sa.String(length=64), nullable=True, comment='idempotency key from the form or API client'),
    sa.Column('search_text', sa.Text(), nullable=False, comment="tokens for search (discussions.search), the title's too on post 1"),
    sa.Column('created_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('edited_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=True, comment='soft delete by its author'),
    sa.Column('deleted_by_id', sa.Integer(), nullable=True),
    sa.Column('hidden', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('hidden_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('hidden_reason', sa.String(length=500), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('number >= 1', name=op.f('ck_posts_number_positive')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_posts_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['deleted_by_id'], ['users.id'], name=op.f('fk_posts_deleted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_posts_hidden_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['quote_post_id'], ['posts.id'], name=op.f('fk_posts_quote_post_id_posts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_posts_thread_id_threads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posts')),
    sa.UniqueConstraint('author_id', 'client_key', name=op.f('uq_posts_author_id_client_key')),
    sa.UniqueConstraint('thread_id', 'number', name=op.f('uq_posts_thread_id_number'))
    )
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posts_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posts_deleted_by_id'), ['deleted_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posts_hidden_by_id'), ['hidden_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posts_quote_post_id'), ['quote_post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posts_thread_id'), ['thread_id'], unique=False)
        batch_op.create_index('uq_posts_one_accepted', ['thread_id'], unique=True, sqlite_where=sa.text('accepted'), postgresql_where=sa.text('accepted'))

    op.create_table('thread_users',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('last_read_number', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('following', sa.Boolean(), nullable=True, comment='null: never chose (posting follows); false: unfollowed, posting keeps it so'),
    sa.Column('last_visited_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('last_read_number >= 0', name=op.f('ck_thread_users_last_read_not_negative')),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_thread_users_thread_id_threads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_thread_users_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'thread_id', name=op.f('pk_thread_users'))
    )
    with op.batch_alter_table('thread_users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thread_users_thread_id'), ['thread_id'], unique=False)

    op.create_table('post_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolution', sa.String(length=16), nullable=True),
    sa.CheckConstraint("resolution IS NULL OR resolution IN ('hidden', 'dismissed')", name=op.f('ck_post_reports_resolution_known')),
    sa.CheckConstraint('(resolved_at IS NULL) = (resolution IS NULL)', name=op.f('ck_post_reports_resolved_with_resolution')),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_reports_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_post_reports_reporter_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_post_reports_resolved_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post_reports')),
    sa.UniqueConstraint('post_id', 'reporter_id', name=op.f('uq_post_reports_post_id_reporter_id'))
    )
    with op.batch_alter_table('post_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_reports_post_id'), ['post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_post_reports_reporter_id'), ['reporter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_post_reports_resolved_by_id'), ['resolved_by_id'], unique=False)

    op.create_table('post_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False, comment='1 = the original text'),
    sa.Column('title', sa.String(length=200), nullable=True, comment='the thread title then (post 1)'),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=False, comment='when it was replaced'),
    sa.ForeignKeyConstraint(['editor_id'], ['users.id'], name=op.f('fk_post_revisions_editor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_revisions_post_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post_revisions')),
    sa.UniqueConstraint('post_id', 'number', name=op.f('uq_post_revisions_post_id_number'))
    )
    with op.batch_alter_table('post_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_revisions_editor_id'), ['editor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_post_revisions_post_id'), ['post_id'], unique=False)

    _search(SQLITE_SEARCH, POSTGRES_SEARCH)


def downgrade():
    _search(SQLITE_SEARCH_DROP, POSTGRES_SEARCH_DROP)
    with op.batch_alter_table('post_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_revisions_post_id'))
        batch_op.drop_index(batch_op.f('ix_post_revisions_editor_id'))

    op.drop_table('post_revisions')
    with op.batch_alter_table('post_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_reports_resolved_by_id'))
        batch_op.drop_index(batch_op.f('ix_post_reports_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_post_reports_post_id'))

    op.drop_table('post_reports')
    with op.batch_alter_table('thread_users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thread_users_thread_id'))

    op.drop_table('thread_users')
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('uq_posts_one_accepted', sqlite_where=sa.text('accepted'), postgresql_where=sa.text('accepted'))
        batch_op.drop_index(batch_op.f('ix_posts_thread_id'))
        batch_op.drop_index(batch_op.f('ix_posts_quote_post_id'))
        batch_op.drop_index(batch_op.f('ix_posts_hidden_by_id'))
        batch_op.drop_index(batch_op.f('ix_posts_deleted_by_id'))
        batch_op.drop_index(batch_op.f('ix_posts_author_id'))

    op.drop_table('posts')
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_threads_unit_id'))
        batch_op.drop_index(batch_op.f('ix_threads_last_poster_id'))
        batch_op.drop_index(batch_op.f('ix_threads_hidden_by_id'))
        batch_op.drop_index(batch_op.f('ix_threads_course_id'))
        batch_op.drop_index('ix_threads_course_activity')
        batch_op.drop_index(batch_op.f('ix_threads_class_id'))
        batch_op.drop_index('ix_threads_class_activity')
        batch_op.drop_index(batch_op.f('ix_threads_author_id'))

    op.drop_table('threads')
