"""written assignments and submissions (grading.assignments)

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

import learnhub.core.types

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('instructions', sa.Text(), nullable=False, comment='Markdown (staff renderer)'),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('due_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('max_points', sa.Float(), nullable=False),
    sa.Column('min_length', sa.Integer(), nullable=False, comment='characters, whitespace not counted'),
    sa.Column('hold_results', sa.Boolean(), nullable=False, comment='grades hidden until released'),
    sa.Column('released_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=True,
              comment='when held grades were released'),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('reflection', 'report', 'other')", name=op.f('ck_assignments_kind_known')),
    sa.CheckConstraint('max_points > 0', name=op.f('ck_assignments_max_points_positive')),
    sa.CheckConstraint('min_length >= 0', name=op.f('ck_assignments_min_length_not_negative')),
    sa.ForeignKeyConstraint(['class_id'], ['classes.id'], name=op.f('fk_assignments_class_id_classes'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_assignments_created_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments'))
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignments_class_id'), ['class_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignments_created_by_id'), ['created_by_id'], unique=False)

    op.create_table('assignment_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False, comment='Markdown (member renderer)'),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('saved_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('late', sa.Boolean(), nullable=False, comment='submitted after due_at'),
    sa.Column('points', sa.Float(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True, comment="the grader's, Markdown (member renderer)"),
    sa.Column('grader_id', sa.Integer(), nullable=True),
    sa.Column('graded_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('draft', 'submitted', 'graded')",
                       name=op.f('ck_assignment_submissions_state_known')),
    sa.CheckConstraint('points IS NULL OR points >= 0', name=op.f('ck_assignment_submissions_points_not_negative')),
    sa.CheckConstraint("state <> 'graded' OR points IS NOT NULL",
                       name=op.f('ck_assignment_submissions_graded_has_points')),
    sa.CheckConstraint("state = 'draft' OR submitted_at IS NOT NULL",
                       name=op.f('ck_assignment_submissions_submitted_has_time')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_assignment_submissions_version_positive')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'],
                            name=op.f('fk_assignment_submissions_assignment_id_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['grader_id'], ['users.id'], name=op.f('fk_assignment_submissions_grader_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_assignment_submissions_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_submissions')),
    sa.UniqueConstraint('assignment_id', 'user_id', name=op.f('uq_assignment_submissions_assignment_id_user_id'))
    )
    with op.batch_alter_table('assignment_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_submissions_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_submissions_grader_id'), ['grader_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_submissions_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('assignment_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_submissions_user_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_submissions_grader_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_submissions_assignment_id'))
    op.drop_table('assignment_submissions')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignments_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_assignments_class_id'))
    op.drop_table('assignments')
