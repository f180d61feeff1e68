"""manual grading (grading.marking): answer versions and grade history

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

import learnhub.core.types  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column(
            "version", sa.Integer(), nullable=False, server_default="1",
            comment="raised by each manual grade: two graders cannot overwrite each other"))


def downgrade():
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("version")
