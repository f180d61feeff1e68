"""The member dashboard: my courses with progress and the next unit, recent results, this
week's study time. The home page's panels and GET /api/v1/progress read it.

My courses are the visible courses the member has started (a unit opened, or study time
on it) or is assigned through a class (class_courses of a class they are a *member* of,
not archived). Per course:
- required units: the course's live units that are not drafts, minus those every
  assigning class of the member marks optional (class_unit_rules, required=False); a
  course not assigned through any class counts every live unit;
- completed: required units with unit_progress.completed_at set;
- next unit: "Start" (nothing opened yet: the first required unit), "Resume" (the last
  unit opened, or the next unfinished one after it), "Review" once complete (the course);
- study seconds: SUM(study_time.seconds) for the course.

A fixed number of queries whatever the number of courses, units, classes and attempts:
one per kind of row (`_reads` below). Those reads are the only place this module touches
the tables; they are the same rules as progress.services (course_progress_for,
study_seconds_by_course) and can be swapped for it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select

from ..classes.models import ClassCourse, ClassUnitRule, Membership, SchoolClass
from ..core.types import utcnow
from ..courses.index import CourseEntry, UnitEntry, content_index
from ..courses.models import Course, UnitProgress
from ..courses.services import resume_unit, visible_courses
from ..extensions import db
from ..quizzes.models import Attempt, Quiz
from .models import StudyTime

RECENT_RESULTS = 5
FINISHED_STATES = ("submitted", "needs_grading", "graded")


@dataclass
class MyCourse:
    course: CourseEntry
    completed: int
    total: int
    study_seconds: int
    action: str                      # "start", "resume" or "review"
    next_unit: UnitEntry | None      # where "Start"/"Resume" goes; None for "review"
    assigned: bool                   # through one of the member's classes
    last_activity: datetime | None = None
    completed_on: datetime | None = None

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.completed >= self.total


@dataclass
class RecentResult:
    attempt_id: int
    quiz_title: str
    course_title: str
    state: str
    percent: float | None
    score: float | None
    max_score: float | None
    passed: bool | None
    finished_at: datetime | None


@dataclass
class StudyWeek:
    monday: date
    seconds_by_day: list[tuple[date, int]]   # Monday..Sunday

    @property
    def total_seconds(self) -> int:
        return sum(seconds for _day, seconds in self.seconds_by_day)


@dataclass
class MemberDashboard:
    courses: list[MyCourse]
    results: list[RecentResult] = field(default_factory=list)
    week: StudyWeek | None = None


# ---- the reads (one query each; the only place that touches the tables) -------------------

def _assignments(user_id: int) -> dict[int, set[int]]:
    """course id -> units optional for the member: optional only when every assigning class
    (the member's, not archived) marks the unit optional. Keys are the assigned courses."""
    rows = db.session.execute(
        select(ClassCourse.course_id, ClassCourse.class_id, ClassUnitRule.unit_id)
        .join(Membership, and_(Membership.class_id == ClassCourse.class_id,
                               Membership.user_id == user_id, Membership.role == "member"))
        .join(SchoolClass, SchoolClass.id == ClassCourse.class_id)
        .outerjoin(ClassUnitRule, and_(ClassUnitRule.class_id == ClassCourse.class_id,
                                       ClassUnitRule.required.is_(False)))
        .where(SchoolClass.status != "archived"))
    per_class: dict[tuple[int, int], set[int]] = {}
    for course_id, class_id, unit_id in rows:
        units = per_class.setdefault((course_id, class_id), set())
        if unit_id is not None:
            units.add(unit_id)
    optional: dict[int, set[int]] = {}
    for (course_id, _class_id), units in per_class.items():
        optional[course_id] = units if course_id not in optional else optional[course_id] & units
    return optional


def _unit_rows(user_id: int) -> dict[int, UnitProgress]:
    """The member's unit_progress rows (at most one per unit), by unit id."""
    rows = db.session.scalars(select(UnitProgress).where(UnitProgress.user_id == user_id))
    return {row.unit_id: row for row in rows}


def _study_seconds_by_course(user_id: int) -> dict[int, int]:
    rows = db.session.execute(select(StudyTime.course_id, func.sum(StudyTime.seconds))
                              .where(StudyTime.user_id == user_id).group_by(StudyTime.course_id))
    return {course_id: int(seconds or 0) for course_id, seconds in rows}


def _study_seconds_by_day(user_id: int, first: date, last: date) -> dict[date, int]:
    rows = db.session.execute(select(StudyTime.day, func.sum(StudyTime.seconds))
                              .where(StudyTime.user_id == user_id, StudyTime.day >= first,
                                     StudyTime.day <= last).group_by(StudyTime.day))
    return {day: int(seconds or 0) for day, seconds in rows}


def _finished_attempts(user_id: int, limit: int):
    """(attempt, quiz title, course title) of the member's last finished attempts that count."""
    return db.session.execute(
        select(Attempt, Quiz.title, Course.title).join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(Course, Course.id == Quiz.course_id)
        .where(Attempt.user_id == user_id, Attempt.state.in_(FINISHED_STATES), Attempt.reset_at.is_(None))
        .order_by(Attempt.submitted_at.desc(), Attempt.id.desc()).limit(limit)).all()


# ---- assembling --------------------------------------------------------------------------------

def _live_units(course: CourseEntry) -> list[UnitEntry]:
    return [u for u in content_index().units.get(course.id, []) if not u.draft]


def _my_course(course: CourseEntry, optional: set[int] | None, rows: dict[int, UnitProgress],
               study_seconds: int) -> MyCourse | None:
    """The course's figures, or None when it is neither started nor assigned."""
    units = _live_units(course)
    mine = {u.id: rows[u.id] for u in units if u.id in rows}
    if optional is None and not mine and not study_seconds:
        return None
    required = [u for u in units if u.id not in (optional or set())]
    done = [mine[u.id].completed_at for u in required if u.id in mine and mine[u.id].completed_at]
    item = MyCourse(course=course, completed=len(done), total=len(required), study_seconds=study_seconds,
                    action="start", next_unit=None, assigned=optional is not None,
                    last_activity=max((r.last_viewed_at for r in mine.values()), default=None))
    if item.complete:
        item.action, item.completed_on = "review", max(done)
        return item
    unfinished = next((u for u in required if not (u.id in mine and mine[u.id].completed_at)), None)
    if mine:
        item.action = "resume"
        item.next_unit = resume_unit(units, mine) or unfinished
    else:
        item.next_unit = unfinished or (units[0] if units else None)
    return item


def _order(items: list[MyCourse], catalog_order: dict[int, int]) -> list[MyCourse]:
    """What to do next first: in progress (latest first), not started (catalog order), complete."""
    def key(item: MyCourse):
        if item.complete:
            return (2, -(item.completed_on.timestamp() if item.completed_on else 0), catalog_order[item.course.id])
        if item.action == "resume":
            return (0, -(item.last_activity.timestamp() if item.last_activity else 0), catalog_order[item.course.id])
        return (1, 0, catalog_order[item.course.id])
    return sorted(items, key=key)


def my_courses(user) -> list[MyCourse]:
    """The member's started and class-assigned courses, in the order to work on them (three queries)."""
    courses = visible_courses(user)
    optional = _assignments(user.id)
    rows = _unit_rows(user.id)
    seconds = _study_seconds_by_course(user.id)
    items = [item for course in courses
             if (item := _my_course(course, optional.get(course.id), rows, seconds.get(course.id, 0)))]
    return _order(items, {c.id: n for n, c in enumerate(courses)})


def week_bounds(now: datetime, tz: ZoneInfo) -> tuple[date, date]:
    """Monday and Sunday of the week `now` falls in, in `tz`."""
    today = now.astimezone(tz).date()
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def study_week(user, now: datetime, tz: ZoneInfo) -> StudyWeek:
    monday, sunday = week_bounds(now, tz)
    by_day = _study_seconds_by_day(user.id, monday, sunday)
    days = [monday + timedelta(days=n) for n in range(7)]
    return StudyWeek(monday=monday, seconds_by_day=[(day, by_day.get(day, 0)) for day in days])


def recent_results(user, limit: int = RECENT_RESULTS) -> list[RecentResult]:
    return [RecentResult(attempt_id=attempt.id, quiz_title=quiz_title, course_title=course_title,
                         state=attempt.state, percent=attempt.percent, score=attempt.score,
                         max_score=attempt.max_score, passed=attempt.passed, finished_at=attempt.submitted_at)
            for attempt, quiz_title, course_title in _finished_attempts(user.id, limit)]


def member_dashboard(user, tz: ZoneInfo, now: datetime | None = None) -> MemberDashboard:
    """Everything the home page shows of progress: five queries, whatever the numbers."""
    now = now or utcnow()
    return MemberDashboard(courses=my_courses(user), results=recent_results(user),
                           week=study_week(user, now, tz))
