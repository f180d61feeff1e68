"""manual grading (grading.marking): answer versions and grade history

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import learnhub.core.types  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    pass  # filled in by the grading part that owns it


def downgrade():
    pass
