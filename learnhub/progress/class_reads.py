"""What the staff class dashboard (class_dashboard.py) and the completion check read for a
whole class: required units, completion counts, study time, quizzes and best scores, unit
cells, the members.

Each read is one statement whatever the class's size, built once per process (lists bound as
expanding parameters) and run on the request's connection: the rows are plain tuples, no ORM
object per member. The rules (to be swapped for progress.services once it has them):
completed = unit_progress.completed_at IS NOT NULL; required = units of the assigned courses,
not drafts, not removed, minus the class's optional units (class_unit_rules.required = False).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import bindparam, case, func, or_, select

from ..auth.models import User
from ..classes.exams.models import ClassExam
from ..classes.exams.services import key_of
from ..classes.models import ClassUnitRule, Membership, SchoolClass
from ..classes.services import class_courses
from ..core.types import UTCDateTime
from ..courses.index import UnitEntry, content_index
from ..courses.models import UnitProgress
from ..extensions import db
from ..quizzes.models import Attempt, Quiz
from .models import StudyTime

GRADED_STATES = ("submitted", "graded")  # a score exists; needs_grading is still partial


@dataclass(frozen=True)
class DashboardQuiz:
    id: int
    key: str  # the quiz slug, or "course/slug" when two assigned courses share a slug
    title: str


class _Statements(NamedTuple):
    optional_units: object
    completion: object
    study: object
    quizzes: object
    own_exams: object
    best_scores: object
    cells_of_class: object
    cells_of_users: object
    members: object


@lru_cache(maxsize=4)
def _statements(dialect: str) -> _Statements:
    class_id = bindparam("class_id")
    unit_ids, course_ids = bindparam("unit_ids", expanding=True), bindparam("course_ids", expanding=True)
    is_member = (Membership.class_id == class_id) & (Membership.role == "member")

    def of_members(column):
        return (Membership.user_id == column) & is_member

    # SQLite's planner (no statistics) probes (member, unit) once per unit for the completion
    # counts, and drives study time from every class's rows of the course (which grow with each
    # term); `+ 0` keeps it off those indexes, so it reads each member's own rows by user id,
    # grouped in the membership index's order: half the time for a class of 500. PostgreSQL
    # plans by its statistics and needs the indexes, so it gets the plain columns.
    sqlite = dialect == "sqlite"
    progress_unit = UnitProgress.unit_id + 0 if sqlite else UnitProgress.unit_id
    study_course = StudyTime.course_id + 0 if sqlite else StudyTime.course_id
    done = func.sum(case((UnitProgress.completed_at.is_not(None), 1), else_=0))
    cells = (select(UnitProgress.user_id, UnitProgress.unit_id, UnitProgress.completed_at.is_not(None))
             .where(UnitProgress.unit_id.in_(unit_ids)))
    return _Statements(
        optional_units=select(ClassUnitRule.unit_id).where(ClassUnitRule.class_id == class_id,
                                                           ClassUnitRule.required.is_(False)),
        completion=(select(Membership.user_id, done, func.count(),
                           func.max(UnitProgress.completed_at, type_=UTCDateTime))
                    .select_from(UnitProgress).join(Membership, of_members(UnitProgress.user_id))
                    .where(progress_unit.in_(unit_ids))
                    .group_by(Membership.user_id)),
        study=(select(Membership.user_id, func.sum(StudyTime.seconds))
               .select_from(StudyTime).join(Membership, of_members(StudyTime.user_id))
               .where(study_course.in_(course_ids))
               .group_by(Membership.user_id)),
        quizzes=(select(Quiz.id, Quiz.slug, Quiz.title, Quiz.course_id)
                 .where(Quiz.course_id.in_(course_ids), Quiz.removed_at.is_(None))),
        own_exams=select(ClassExam.id, ClassExam.created_at).where(ClassExam.class_id == class_id),
        best_scores=(select(Attempt.user_id, Attempt.quiz_id, func.max(Attempt.percent))
                     .join(Membership, of_members(Attempt.user_id))
                     .where(Attempt.quiz_id.in_(bindparam("quiz_ids", expanding=True)), Attempt.reset_at.is_(None),
                            Attempt.state.in_(GRADED_STATES), Attempt.percent.is_not(None),
                            or_(Attempt.schedule_key.is_(None),
                                Attempt.schedule_key.in_(bindparam("exam_keys", expanding=True))))
                     .group_by(Attempt.user_id, Attempt.quiz_id)),
        cells_of_class=cells.join(Membership, of_members(UnitProgress.user_id)),
        cells_of_users=cells.where(UnitProgress.user_id.in_(bindparam("user_ids", expanding=True))),
        members=(select(Membership.user_id, User.username, User.display_name, Membership.department,
                        Membership.stage, Membership.student_no)
                 .join(User, User.id == Membership.user_id)
                 .where(is_member)),
    )


def _rows(name: str, **params):
    connection = db.session.connection()
    return connection.execute(getattr(_statements(connection.dialect.name), name), params)


def required_units(school_class: SchoolClass, courses=None) -> list[UnitEntry]:
    """The units every member must complete, in course and unit order (two queries, one
    when the class's courses are given)."""
    optional = set(_rows("optional_units", class_id=school_class.id).scalars())
    units = []
    index = content_index()
    for course in class_courses(school_class) if courses is None else courses:
        if course.draft:
            continue
        units += [u for u in index.units.get(course.id, []) if not u.draft and u.id not in optional]
    return units


def completion_counts(class_id: int, unit_ids: list[int]) -> dict[int, tuple[int, int, datetime | None]]:
    """{user_id: (completed, touched, last completed_at)} over `unit_ids`, one query."""
    if not unit_ids:
        return {}
    rows = _rows("completion", class_id=class_id, unit_ids=list(unit_ids))
    return {user_id: (int(completed or 0), int(touched), last) for user_id, completed, touched, last in rows}


def study_seconds(class_id: int, course_ids: list[int]) -> dict[int, int]:
    """{user_id: seconds} spent on the class's courses, one query."""
    if not course_ids:
        return {}
    rows = _rows("study", class_id=class_id, course_ids=list(course_ids))
    return {user_id: int(seconds or 0) for user_id, seconds in rows}


def class_quizzes(course_ids: list[int], course_slugs: dict[int, str]) -> list[DashboardQuiz]:
    if not course_ids:
        return []
    rows = _rows("quizzes", course_ids=list(course_ids)).all()
    order = {cid: n for n, cid in enumerate(course_ids)}
    rows.sort(key=lambda r: (order[r.course_id], r.slug))
    slugs = [r.slug for r in rows]
    return [DashboardQuiz(r.id, r.slug if slugs.count(r.slug) == 1 else f"{course_slugs[r.course_id]}/{r.slug}",
                          r.title) for r in rows]


def best_scores(class_id: int, quizzes: list[DashboardQuiz]) -> dict[int, dict[str, float]]:
    """{user_id: {quiz key: best percent}}, two queries. Left out: attempts reset by staff,
    and attempts made under another class's exam (an attempt belongs to one class exam: a
    member imported into two classes is scored here on this class's exams and practice)."""
    if not quizzes:
        return {}
    keys = {q.id: q.key for q in quizzes}
    exam_keys = [key_of(exam_id, created_at) for exam_id, created_at in _rows("own_exams",
                                                                              class_id=class_id)]
    rows = _rows("best_scores", class_id=class_id, quiz_ids=list(keys), exam_keys=exam_keys)
    scores: dict[int, dict[str, float]] = {}
    for user_id, quiz_id, percent in rows:
        scores.setdefault(user_id, {})[keys[quiz_id]] = round(float(percent), 1)
    return scores


def unit_cells(class_id: int, unit_ids: list[int], user_ids: list[int] | None) -> dict[tuple[int, int], str]:
    """{(user_id, unit_id): "complete" | "started"}; absent pairs are not started. One query:
    for the given members (a page), or for the whole class when user_ids is None (exports)."""
    if not unit_ids or user_ids == []:
        return {}
    if user_ids is None:
        rows = _rows("cells_of_class", class_id=class_id, unit_ids=list(unit_ids))
    else:
        rows = _rows("cells_of_users", unit_ids=list(unit_ids), user_ids=list(user_ids))
    return {(user_id, unit_id): "complete" if done else "started" for user_id, unit_id, done in rows}


def class_members(school_class: SchoolClass) -> list[tuple[int, str, str, str | None, str | None, str | None]]:
    """(user id, username, display name, department, stage, student number) of each member."""
    return _rows("members", class_id=school_class.id).all()
