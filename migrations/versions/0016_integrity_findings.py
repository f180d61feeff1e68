"""integrity findings confirmed by staff (grading.attempt_review)

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import learnhub.core.types  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    pass  # filled in by the grading part that owns it


def downgrade():
    pass
