"""exam results release (grading.results): release setting and time per class exam

`class_exams.release`: immediately (default: each attempt's result shows once fully graded),
at (`release_at`), manual (staff release); `released_at`/`released_by_id` record a release.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

import learnhub.core.types

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('class_exams', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'release', sa.String(length=16), server_default='immediately', nullable=False,
            comment="immediately (each attempt once fully graded), at (release_at), manual (staff release)"))
        batch_op.add_column(sa.Column('release_at', learnhub.core.types.UTCDateTime(timezone=True),
                                      nullable=True, comment="with release 'at'"))
        batch_op.add_column(sa.Column(
            'released_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=True,
            comment="staff released (or the release-due command noted the time passed)"))
        batch_op.add_column(sa.Column('released_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_class_exams_released_by_id'), ['released_by_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_class_exams_released_by_id_users'), 'users',
                                    ['released_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint(batch_op.f('ck_class_exams_release_known'),
                                         "release IN ('immediately', 'at', 'manual')")
        batch_op.create_check_constraint(batch_op.f('ck_class_exams_release_at_set'),
                                         "release != 'at' OR release_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('class_exams', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_class_exams_release_at_set'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_class_exams_release_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_class_exams_released_by_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_class_exams_released_by_id'))
        batch_op.drop_column('released_by_id')
        batch_op.drop_column('released_at')
        batch_op.drop_column('release_at')
        batch_op.drop_column('release')
