"""auth rules (accounts)

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

import learnhub.core.types


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
