"""final grades, completion and certificates (grading.completion, grading.certificates)

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

import learnhub.core.types

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

UTC = learnhub.core.types.UTCDateTime(timezone=True)


def upgrade():
    op.create_table('completion_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('weight_exam', sa.Integer(), nullable=False, comment='percent of the final grade'),
    sa.Column('weight_reflection', sa.Integer(), nullable=False),
    sa.Column('weight_attendance', sa.Integer(), nullable=False),
    sa.Column('min_attendance', sa.Integer(), nullable=False, comment='percent of sessions attended, at least'),
    sa.Column('pass_mark', sa.Integer(), nullable=False, comment='final grade, at least'),
    sa.Column('require_units', sa.Boolean(), nullable=False, comment='all required units complete'),
    sa.Column('require_exam_pass', sa.Boolean(), nullable=False, comment='the final exam passed'),
    sa.Column('block_on_findings', sa.Boolean(), nullable=False, comment='no confirmed integrity finding'),
    sa.Column('final_exam_id', sa.Integer(), nullable=True, comment="None: the class's exam closing last"),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('updated_at', UTC, nullable=False),
    sa.CheckConstraint('weight_exam >= 0 AND weight_reflection >= 0 AND weight_attendance >= 0',
                       name=op.f('ck_completion_rules_weights_positive')),
    sa.CheckConstraint('weight_exam + weight_reflection + weight_attendance = 100',
                       name=op.f('ck_completion_rules_weights_sum')),
    sa.CheckConstraint('min_attendance >= 0 AND min_attendance <= 100',
                       name=op.f('ck_completion_rules_attendance_range')),
    sa.CheckConstraint('pass_mark >= 0 AND pass_mark <= 100', name=op.f('ck_completion_rules_pass_mark_range')),
    sa.ForeignKeyConstraint(['class_id'], ['classes.id'], name=op.f('fk_completion_rules_class_id_classes'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['final_exam_id'], ['class_exams.id'],
                            name=op.f('fk_completion_rules_final_exam_id_class_exams'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_completion_rules'))
    )
    with op.batch_alter_table('completion_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_completion_rules_class_id'), ['class_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_completion_rules_final_exam_id'), ['final_exam_id'], unique=False)

    op.create_table('completion_confirmations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('final_grade', sa.Double(), nullable=True, comment='the final grade when confirmed'),
    sa.Column('override_reason', sa.Text(), nullable=True, comment='set when the member did not qualify'),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', UTC, nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['classes.id'], name=op.f('fk_completion_confirmations_class_id_classes'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'],
                            name=op.f('fk_completion_confirmations_confirmed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_completion_confirmations_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_completion_confirmations')),
    sa.UniqueConstraint('class_id', 'user_id', name=op.f('uq_completion_confirmations_class_id_user_id'))
    )
    with op.batch_alter_table('completion_confirmations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_completion_confirmations_class_id'), ['class_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_completion_confirmations_confirmed_by_id'), ['confirmed_by_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_completion_confirmations_user_id'), ['user_id'], unique=False)

    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.String(length=40), nullable=False, comment='LH-YYYY-XXXX-XXXX-XXXX-XXXX, random'),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('holder_name', sa.String(length=200), nullable=False),
    sa.Column('class_name', sa.String(length=200), nullable=False),
    sa.Column('study_seconds', sa.Integer(), nullable=False, comment="study time in the class's courses"),
    sa.Column('final_grade', sa.Double(), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', UTC, nullable=False),
    sa.Column('revoked_at', UTC, nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['class_id'], ['classes.id'], name=op.f('fk_certificates_class_id_classes'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_certificates_issued_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_certificates_revoked_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_certificates_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('serial', name=op.f('uq_certificates_serial'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_class_id'), ['class_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_issued_by_id'), ['issued_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_revoked_by_id'), ['revoked_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_certificates_live', ['class_id', 'user_id'], unique=True,
                              sqlite_where=sa.text('revoked_at IS NULL'),
                              postgresql_where=sa.text('revoked_at IS NULL'))


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index('uq_certificates_live')
        batch_op.drop_index(batch_op.f('ix_certificates_user_id'))
        batch_op.drop_index(batch_op.f('ix_certificates_revoked_by_id'))
        batch_op.drop_index(batch_op.f('ix_certificates_issued_by_id'))
        batch_op.drop_index(batch_op.f('ix_certificates_class_id'))
    op.drop_table('certificates')
    with op.batch_alter_table('completion_confirmations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_completion_confirmations_user_id'))
        batch_op.drop_index(batch_op.f('ix_completion_confirmations_confirmed_by_id'))
        batch_op.drop_index(batch_op.f('ix_completion_confirmations_class_id'))
    op.drop_table('completion_confirmations')
    with op.batch_alter_table('completion_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_completion_rules_final_exam_id'))
        batch_op.drop_index(batch_op.f('ix_completion_rules_class_id'))
    op.drop_table('completion_rules')
