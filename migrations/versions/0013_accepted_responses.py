"""accepted responses and regrades (grading.regrade): the responses staff accepted for a
quiz's short-answer questions (the table is quizzes', which grades with it)

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

import learnhub.core.types

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('accepted_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=120), nullable=False,
              comment="the question within the quiz: 't:' + its title, or 'h:' + a hash of its stem"),
    sa.Column('response', sa.String(length=500), nullable=False, comment='normalised as short answers compare'),
    sa.Column('fraction', sa.Double(), nullable=False, comment='credit for this response, 0 < fraction <= 1'),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', learnhub.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('fraction > 0 AND fraction <= 1', name=op.f('ck_accepted_responses_fraction_range')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_accepted_responses_created_by_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_accepted_responses_quiz_id_quizzes'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accepted_responses')),
    sa.UniqueConstraint('quiz_id', 'question_key', 'response',
                        name=op.f('uq_accepted_responses_quiz_id_question_key_response'))
    )
    with op.batch_alter_table('accepted_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accepted_responses_created_by'), ['created_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_accepted_responses_quiz_id'), ['quiz_id'], unique=False)


def downgrade():
    with op.batch_alter_table('accepted_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accepted_responses_quiz_id'))
        batch_op.drop_index(batch_op.f('ix_accepted_responses_created_by'))
    op.drop_table('accepted_responses')
