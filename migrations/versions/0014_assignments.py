"""written assignments and submissions (grading.assignments)

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import learnhub.core.types  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    pass  # filled in by the grading part that owns it


def downgrade():
    pass
