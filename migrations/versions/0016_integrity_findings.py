"""integrity findings confirmed by staff (grading.attempt_review)

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

import learnhub.core.types

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

STANDING = "withdrawn_at IS NULL"


def upgrade():
    op.create_table('integrity_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False, comment='what staff found, in their words'),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('withdraw_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('(withdrawn_at IS NULL) = (withdraw_reason IS NULL)',
                       name=op.f('ck_integrity_findings_withdrawn_with_reason')),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_integrity_findings_attempt_id_attempts'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                            name=op.f('fk_integrity_findings_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'],
                            name=op.f('fk_integrity_findings_withdrawn_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_integrity_findings'))
    )
    with op.batch_alter_table('integrity_findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_integrity_findings_attempt_id'), ['attempt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_integrity_findings_recorded_by_id'), ['recorded_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_integrity_findings_withdrawn_by_id'), ['withdrawn_by_id'], unique=False)
        batch_op.create_index('uq_integrity_findings_one_standing', ['attempt_id'], unique=True,
                              sqlite_where=sa.text(STANDING), postgresql_where=sa.text(STANDING))


def downgrade():
    with op.batch_alter_table('integrity_findings', schema=None) as batch_op:
        batch_op.drop_index('uq_integrity_findings_one_standing', sqlite_where=sa.text(STANDING),
                            postgresql_where=sa.text(STANDING))
        batch_op.drop_index(batch_op.f('ix_integrity_findings_withdrawn_by_id'))
        batch_op.drop_index(batch_op.f('ix_integrity_findings_recorded_by_id'))
        batch_op.drop_index(batch_op.f('ix_integrity_findings_attempt_id'))
    op.drop_table('integrity_findings')
