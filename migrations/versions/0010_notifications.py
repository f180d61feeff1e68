"""notifications (core): one row per user and notice, read_at once read

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

import learnhub.core.types

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False, comment='literal text, or a msgid when params is set'),
    sa.Column('params', sa.JSON(), nullable=True, comment='msgid parameters; null: text is literal'),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('created_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('announcement', 'result_released', 'submission_graded', 'mention', 'reply', 'report')",
                       name=op.f('ck_notifications_kind_known')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_id_id', ['user_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_user_id'))
        batch_op.drop_index('ix_notifications_user_id_id')
    op.drop_table('notifications')
