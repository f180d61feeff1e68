"""accepted responses and regrades (grading.regrade)

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import learnhub.core.types  # noqa: F401

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    pass  # filled in by the grading part that owns it


def downgrade():
    pass
