"""exam attempts (attempts made under a class exam)

An attempt belongs to one schedule for its whole life: `attempts.schedule_key` records it (an
opaque key the classes feature reads: "class_exam:<exam id>:<exam created_at in microseconds
since 1970>", so a cancelled exam whose id SQLite reuses never adopts its attempts).

Backfill: an attempt started under a class exam recorded it in its settings
(settings["schedule"] = {"source": "class_exam", "id": ...}); that exam's key is written when
the exam still exists, is an exam of the attempt's quiz and was created before the attempt
started (otherwise the id was reused). Every other attempt keeps NULL: the quiz file's rules.

Revision ID: 0008
Revises: 0007
"""
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

import learnhub.core.types

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
BATCH = 500

attempts = sa.table('attempts', sa.column('id', sa.Integer), sa.column('quiz_id', sa.Integer),
                    sa.column('started_at', learnhub.core.types.UTCDateTime(timezone=True)),
                    sa.column('settings', sa.JSON), sa.column('schedule_key', sa.String))
class_exams = sa.table('class_exams', sa.column('id', sa.Integer), sa.column('quiz_id', sa.Integer),
                       sa.column('created_at', learnhub.core.types.UTCDateTime(timezone=True)))


def _exam_key(exam_id: int, created_at: datetime) -> str:
    return f"class_exam:{exam_id}:{(created_at - EPOCH) // timedelta(microseconds=1)}"


def _recorded_exam_id(settings):
    recorded = settings.get("schedule") if isinstance(settings, dict) else None
    if isinstance(recorded, dict) and recorded.get("source") == "class_exam":
        exam_id = recorded.get("id")
        return exam_id if isinstance(exam_id, int) and not isinstance(exam_id, bool) else None
    return None


def _backfill(connection) -> None:
    exams = {exam_id: (quiz_id, created_at) for exam_id, quiz_id, created_at
             in connection.execute(sa.select(class_exams.c.id, class_exams.c.quiz_id, class_exams.c.created_at))}
    if not exams:
        return
    rows = connection.execute(sa.select(attempts.c.id, attempts.c.quiz_id, attempts.c.started_at,
                                        attempts.c.settings)
                              .where(sa.cast(attempts.c.settings, sa.Text).like('%class_exam%'))).all()
    updates = []
    for attempt_id, quiz_id, started_at, settings in rows:
        exam = exams.get(_recorded_exam_id(settings))
        if exam is not None and exam[0] == quiz_id and exam[1] <= started_at:
            updates.append({"attempt_id": attempt_id, "key": _exam_key(_recorded_exam_id(settings), exam[1])})
    statement = (sa.update(attempts).where(attempts.c.id == sa.bindparam("attempt_id"))
                 .values(schedule_key=sa.bindparam("key")))
    for start in range(0, len(updates), BATCH):
        connection.execute(statement, updates[start:start + BATCH])


def upgrade():
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('schedule_key', sa.String(length=64), nullable=True,
                                      comment="the schedule it was made under (opaque: the provider that set it reads it); None = the quiz file's own rules"))
        batch_op.create_index(batch_op.f('ix_attempts_schedule_key'), ['schedule_key'], unique=False)
    _backfill(op.get_bind())


def downgrade():
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempts_schedule_key'))
        batch_op.drop_column('schedule_key')
