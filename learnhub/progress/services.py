"""What other features ask of progress (the dashboards, the course and unit pages, the API).

- course_progress_for(user, courses): required units completed / required units, per course
- required_units(school_class or None, course): the units that count
- study_seconds(user, course) / study_seconds_by_course(user, course_ids)
- unit_locked(user, unit): what is still needed before the unit opens
- resume_unit(units, progress): where the member carries on

Required units: every unit of the course that is not a draft (and not removed: the index
only holds live units). A class may mark units optional (class_unit_rules, required=False);
for a member, a unit is optional only when every class of theirs that is assigned the
course marks it optional. Without a class, every unit counts.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from flask import g
from sqlalchemy import and_, bindparam, func, select

from ..classes.models import ClassCourse, ClassUnitRule, Membership
from ..courses.index import CourseEntry, UnitEntry, content_index
from ..courses.models import UnitProgress
from ..courses.services import UnitMark, resume_unit  # noqa: F401  (resume_unit: part of this module's API)
from ..extensions import db
from .models import StudyTime
from .prerequisites import Lock, unit_lock, unit_locks  # noqa: F401


@dataclass
class CourseProgress:
    course_id: int
    completed: int
    total: int
    completed_on: datetime | None = None   # when the last required unit was completed

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.completed >= self.total

    def as_dict(self) -> dict:
        return {"completed": self.completed, "total": self.total, "percent": self.percent}


def live_units(course: CourseEntry | int) -> list[UnitEntry]:
    course_id = course if isinstance(course, int) else course.id
    return [u for u in content_index().units.get(course_id, []) if not u.draft]


def required_units(school_class, course: CourseEntry) -> list[UnitEntry]:
    """The units of `course` that count for `school_class` (None: every unit that is not a draft)."""
    units = live_units(course)
    if school_class is None:
        return units
    optional = set(db.session.scalars(select(ClassUnitRule.unit_id).where(
        ClassUnitRule.class_id == school_class.id, ClassUnitRule.required.is_(False))))
    return [u for u in units if u.id not in optional]


@lru_cache(maxsize=2)
def _optional_units_statement(one_course: bool):
    """Built once per shape (every unit and course page asks for one course; the lists for
    many): per class of the member assigned the course, the units that class marks optional
    (a NULL unit: it marks none). One course is an equality, not an IN list expanded anew
    on every execution."""
    courses, members, rules = ClassCourse.__table__, Membership.__table__, ClassUnitRule.__table__
    statement = (select(courses.c.course_id, courses.c.class_id, rules.c.unit_id)
                 .select_from(courses.join(members, and_(members.c.class_id == courses.c.class_id,
                                                         members.c.user_id == bindparam("user_id"),
                                                         members.c.role == "member"))
                              .outerjoin(rules, and_(rules.c.class_id == courses.c.class_id,
                                                     rules.c.required.is_(False)))))
    if one_course:
        return statement.where(courses.c.course_id == bindparam("course_id"))
    return statement.where(courses.c.course_id.in_(bindparam("course_ids", expanding=True)))


def optional_units_for(user_id: int, course_ids) -> dict[int, set[int]]:
    """course id -> units optional for this member through their classes (one query)."""
    course_ids = list(course_ids)
    if not course_ids:
        return {}
    one_course = len(course_ids) == 1
    values = {"user_id": user_id, **({"course_id": course_ids[0]} if one_course else {"course_ids": course_ids})}
    rows = db.session.connection().execute(_optional_units_statement(one_course), values)
    per_class: dict[tuple[int, int], set[int]] = {}
    for course_id, class_id, unit_id in rows:
        per_class.setdefault((course_id, class_id), set())
        if unit_id is not None:
            per_class[(course_id, class_id)].add(unit_id)
    optional: dict[int, set[int]] = {}
    for (course_id, _class_id), units in per_class.items():
        # optional only if every class of the member says so
        optional[course_id] = units if course_id not in optional else optional[course_id] & units
    return optional


def _summarise(course_id: int, units: list[UnitEntry], optional: set[int],
               completed_at: dict[int, datetime]) -> CourseProgress:
    required = [u for u in units if u.id not in optional]
    done = [completed_at[u.id] for u in required if u.id in completed_at]
    progress = CourseProgress(course_id, len(done), len(required))
    if progress.complete:
        progress.completed_on = max(done)
    return progress


def course_progress_for(user, courses: list[CourseEntry]) -> dict[int, CourseProgress]:
    """Progress of many courses for one member in two queries, whatever their number."""
    units = {c.id: live_units(c) for c in courses}
    unit_ids = [u.id for course_units in units.values() for u in course_units]
    completed_at: dict[int, datetime] = {}
    if unit_ids:
        completed_at = dict(db.session.execute(select(UnitProgress.unit_id, UnitProgress.completed_at).where(
            UnitProgress.user_id == user.id, UnitProgress.completed_at.is_not(None),
            UnitProgress.unit_id.in_(unit_ids))).all())
    optional = optional_units_for(user.id, units) if unit_ids else {}
    return {cid: _summarise(cid, course_units, optional.get(cid, set()), completed_at)
            for cid, course_units in units.items()}


def progress_from_rows(user, course: CourseEntry, progress: dict[int, UnitMark]) -> CourseProgress:
    """The same figure from the marks a page already read (one query: the class rules)."""
    completed_at = {unit_id: mark.completed_at for unit_id, mark in progress.items() if mark.completed_at}
    optional = optional_units_for(user.id, [course.id]).get(course.id, set())
    return _summarise(course.id, live_units(course), optional, completed_at)


def member_course_progress(user, view) -> CourseProgress:
    """The member's progress in the page's course, derived once per request whoever asks
    (the unit page's bar, the course page's panel, the API): the marks the page read plus
    one query."""
    memo = g.setdefault("progress_member_course", {})
    key = (user.id, view.course.id)
    if key not in memo:
        memo[key] = progress_from_rows(user, view.course, view.progress)
    return memo[key]


def study_seconds_by_course(user, course_ids) -> dict[int, int]:
    course_ids = list(course_ids)
    if not course_ids:
        return {}
    rows = db.session.execute(select(StudyTime.course_id, func.sum(StudyTime.seconds)).where(
        StudyTime.user_id == user.id, StudyTime.course_id.in_(course_ids)).group_by(StudyTime.course_id))
    found = {course_id: int(seconds or 0) for course_id, seconds in rows}
    return {course_id: found.get(course_id, 0) for course_id in course_ids}


def study_seconds(user, course: CourseEntry) -> int:
    return study_seconds_by_course(user, [course.id])[course.id]


def unit_locked(user, unit: UnitEntry) -> Lock:
    """Falsy when the unit is open to the member; else `.missing` lists what is needed."""
    return unit_lock(user, unit)


# ---- what the course and unit pages show (computed once per request and course) -----------------

@dataclass
class PageState:
    progress: CourseProgress
    study_seconds: int
    locks: dict[int, Lock]
    resume: UnitEntry | None


def page_state(user, view) -> PageState:
    """For the course page's panels and the course API: a fixed number of queries, once per
    request. (The unit page needs only `member_course_progress`.)"""
    cache = g.setdefault("progress_page_state", {})
    key = (user.id, view.course.id)
    if key not in cache:
        cache[key] = PageState(
            progress=member_course_progress(user, view),
            study_seconds=study_seconds(user, view.course),
            locks=unit_locks(user, view.course, view.units, view.progress),
            resume=resume_unit(view.units, view.progress))
    return cache[key]
