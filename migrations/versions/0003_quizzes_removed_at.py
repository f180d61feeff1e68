"""Quiz rows for every file (content sync indexes them), marked when their file is removed

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

import learnhub.core.types

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_at', learnhub.core.types.UTCDateTime(timezone=True),
                                      nullable=True,
                                      comment='the file is gone; attempts at it stay readable'))


def downgrade():
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.drop_column('removed_at')
