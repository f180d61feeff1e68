"""A member's schedules at a quiz, as the quiz engine asks them on every start (its schedule
provider) and progress's prerequisite gate after it, and an exam's release as the results gate
asks it whenever a member's result is shown (a whole exam's submits at once): plain rows from
statements built once, no ORM object. The rest of the exams' rules are in services."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache
from types import SimpleNamespace

from flask import g, has_request_context
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased
from sqlalchemy.orm.util import identity_key

from ...extensions import db
from ...quizzes.models import Quiz
from ...quizzes.schedule import Schedule
from ..models import Membership, SchoolClass
from .models import ClassExam, ExamOverride

KEY_PREFIX = "class_exam:"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def key_of(exam_id: int, created_at: datetime) -> str:
    """The schedule_key of attempts made under the exam (services.exam_key says why)."""
    return f"{KEY_PREFIX}{exam_id}:{(created_at - EPOCH) // timedelta(microseconds=1)}"


def exam_id_of(key: str | None) -> int | None:
    """The id of the exam a schedule_key names (None: not a class exam's key)."""
    if not key or not key.startswith(KEY_PREFIX):
        return None
    exam_id, _sep, _stamp = key[len(KEY_PREFIX):].partition(":")
    return int(exam_id) if exam_id.isdigit() else None


def applied_override(exam, override) -> tuple[datetime, datetime, int | None, int, int | None]:
    """(opens_at, closes_at, time limit, extra attempts, override id): the exam's schedule with
    the member's override applied (`exam` and `override` rows or objects with their columns)."""
    if override is None:
        return exam.opens_at, exam.closes_at, exam.time_limit_seconds, 0, None
    return (override.opens_at or exam.opens_at, override.closes_at or exam.closes_at,
            override.time_limit_seconds or exam.time_limit_seconds, override.extra_attempts, override.id)


@lru_cache(maxsize=1)
def _schedules_statement():
    """The member's exams of one quiz, each with their override and whether it requires the
    class's courses complete (progress's gate), as columns (built once: a crowd starting an exam
    asks it on every start, and building it cost more than running it)."""
    anyone = aliased(ExamOverride)  # every member's override, not just the caller's
    latest_override = (select(func.max(anyone.closes_at)).where(anyone.exam_id == ClassExam.id)
                       .correlate(ClassExam).scalar_subquery())
    return (
        select(ClassExam.id, ClassExam.class_id, ClassExam.opens_at, ClassExam.closes_at,
               ClassExam.time_limit_seconds, ClassExam.created_at, ClassExam.requires_courses_complete,
               SchoolClass.name, Quiz.title,
               latest_override.label("latest"), ExamOverride.id.label("override_id"),
               ExamOverride.opens_at.label("override_opens_at"),
               ExamOverride.closes_at.label("override_closes_at"),
               ExamOverride.time_limit_seconds.label("override_limit"), ExamOverride.extra_attempts)
        .join(SchoolClass, SchoolClass.id == ClassExam.class_id)
        .join(Quiz, Quiz.id == ClassExam.quiz_id)
        .join(Membership, (Membership.class_id == ClassExam.class_id) & (Membership.role == "member"))
        .outerjoin(ExamOverride, (ExamOverride.exam_id == ClassExam.id)
                   & (ExamOverride.user_id == Membership.user_id))
        .where(ClassExam.quiz_id == bindparam("quiz_id"), Membership.user_id == bindparam("user_id")))


def _schedule(row) -> Schedule:
    override = None if row.override_id is None else SimpleNamespace(
        id=row.override_id, opens_at=row.override_opens_at, closes_at=row.override_closes_at,
        time_limit_seconds=row.override_limit, extra_attempts=row.extra_attempts)
    opens_at, closes_at, limit, extra, override_id = applied_override(row, override)
    return Schedule(opens_at=opens_at, closes_at=closes_at, time_limit_seconds=limit, extra_attempts=extra,
                    source="class_exam", source_id=row.id, override_id=override_id, label=row.name,
                    review_closes_at=max(filter(None, (row.closes_at, row.latest))),
                    key=key_of(row.id, row.created_at), title=row.title,
                    owner={"id": row.class_id, "name": row.name},
                    requires_complete=bool(row.requires_courses_complete))


def exam_schedules(user, row: Quiz, now: datetime) -> list[Schedule]:
    """The quiz engine's schedule provider: the member's class exams of this quiz (one query,
    no ORM objects), each its own schedule; the engine picks or asks which one an attempt is
    made under. `row`: the quiz's row (its `id` is what is read)."""
    if not getattr(user, "is_authenticated", False) or row is None:
        return []
    found = db.session.connection().execute(_schedules_statement(), {"quiz_id": row.id, "user_id": user.id}).all()
    return [_schedule(r) for r in found]


@lru_cache(maxsize=1)
def _release_statement():
    return (select(ClassExam.id, ClassExam.created_at, ClassExam.quiz_id, ClassExam.release, ClassExam.release_at,
                   ClassExam.released_at)
            .where(ClassExam.id == bindparam("exam_id")))


RELEASES_KEY = "class_exam_releases"


def exam_release(key: str | None):
    """The exam an attempt's schedule_key names, with what the results gate reads of it (id,
    created_at, quiz_id, release, release_at, released_at); None when the key names none (not a
    class exam's key, or the exam was cancelled). The ClassExam when the session holds it (a
    change made to it in this request included), else a plain row (one statement), kept for the
    request: a list of a member's attempts asks it of each."""
    exam_id = exam_id_of(key)
    if exam_id is None:
        return None
    exam = db.session.identity_map.get(identity_key(ClassExam, exam_id))
    if exam is None:
        known = g.setdefault(RELEASES_KEY, {}) if has_request_context() else {}
        if exam_id not in known:
            known[exam_id] = db.session.connection().execute(_release_statement(), {"exam_id": exam_id}).first()
        exam = known[exam_id]
    return exam if exam is not None and key_of(exam.id, exam.created_at) == key else None
