"""progress rules (progress): study_clocks, one row per member that parallel heartbeats claim

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

import learnhub.core.types

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('study_clocks',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('last_beat_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_study_clocks_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_study_clocks'))
    )
    # Each member's clock starts at their last beat so far (the time study_time kept per unit).
    op.execute("INSERT INTO study_clocks (user_id, last_beat_at) SELECT user_id, MAX(last_beat_at) "
               "FROM study_time WHERE last_beat_at IS NOT NULL GROUP BY user_id")


def downgrade():
    op.drop_table('study_clocks')
