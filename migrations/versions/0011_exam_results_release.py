"""exam results release (grading.results): release setting and time per class exam

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import learnhub.core.types  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    pass  # filled in by the grading part that owns it


def downgrade():
    pass
