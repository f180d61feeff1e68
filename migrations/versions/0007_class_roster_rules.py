"""class roster rules: one student number per class

Revision ID: 0007
Revises: 0006

A unique index on class_memberships (class_id, student_no). NULLs never collide (on
SQLite and PostgreSQL alike), so a member without a number is stored as NULL: blank
numbers written before this revision become NULL first, and surrounding spaces are
trimmed (what the model's validator does on every write from now on).

Existing duplicates: this revision does not choose which member keeps a number. It
stops, names each class and number held twice, and changes nothing; fix the records
(the member page or PATCH /api/v1/classes/{id}/members/{username} with another
"student_no" or null) and run the upgrade again.
"""
import sqlalchemy as sa
from alembic import op

import learnhub.core.types

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

INDEX = 'uq_class_memberships_class_id_student_no'
SHOWN = 20  # duplicates named in the error


def upgrade():
    connection = op.get_bind()
    # Checked first, on the numbers as they will be stored, so a refusal changes nothing.
    duplicates = connection.execute(sa.text(
        "SELECT class_id, TRIM(student_no), COUNT(*) FROM class_memberships "
        "WHERE TRIM(student_no) <> '' GROUP BY class_id, TRIM(student_no) HAVING COUNT(*) > 1 "
        "ORDER BY class_id, TRIM(student_no)")).all()
    if duplicates:
        listed = "; ".join(f"class {class_id}: {number!r} held by {count} members"
                           for class_id, number, count in duplicates[:SHOWN])
        more = f" (and {len(duplicates) - SHOWN} more)" if len(duplicates) > SHOWN else ""
        raise RuntimeError(
            "Revision 0007 makes student numbers unique within a class, but some are held twice: "
            f"{listed}{more}. Nothing was changed. Give those members their own numbers (or none) "
            "on their record pages or with PATCH /api/v1/classes/{id}/members/{username}, then "
            "upgrade again.")
    connection.execute(sa.text(
        "UPDATE class_memberships SET student_no = NULLIF(TRIM(student_no), '') "
        "WHERE student_no <> TRIM(student_no) OR student_no = ''"))
    with op.batch_alter_table('class_memberships', schema=None) as batch_op:
        batch_op.create_index(INDEX, ['class_id', 'student_no'], unique=True)


def downgrade():
    with op.batch_alter_table('class_memberships', schema=None) as batch_op:
        batch_op.drop_index(INDEX)
