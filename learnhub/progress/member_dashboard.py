"""The member dashboard: my courses with progress and the next unit, recent results, this
week's study time. The home page's panels and GET /api/v1/progress read it.

My courses are the visible courses the member has started (a unit opened, or study time
on it) or is assigned through a class (class_courses of a class they are a *member* of,
not archived). Per course, from progress.services (the same figures as the course page):
required units completed / required units (a class can make units optional), study
seconds; and the next unit: "Start" (nothing opened yet: the first unit), "Resume" (the
last unit opened, or the next unfinished one after it), "Review" once complete.

A fixed number of queries whatever the number of courses, units, classes and attempts:
one per kind of row, never one per course.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from ..classes.models import ClassCourse, Membership, SchoolClass
from ..core.types import utcnow
from ..courses.index import CourseEntry, UnitEntry
from ..courses.models import Course, UnitProgress
from ..courses.services import visible_courses
from ..extensions import db
from ..quizzes.models import Attempt, Quiz
from . import services as progress
from .models import StudyTime

RECENT_RESULTS = 5
FINISHED_STATES = ("submitted", "needs_grading", "graded")


@dataclass
class MyCourse:
    course: CourseEntry
    progress: progress.CourseProgress   # required units completed / required units
    study_seconds: int
    action: str                         # "start", "resume" or "review"
    next_unit: UnitEntry | None         # where "Start"/"Resume" goes; None for "review"
    assigned: bool                      # through one of the member's classes
    last_activity: datetime | None = None

    completed = property(lambda self: self.progress.completed)
    total = property(lambda self: self.progress.total)
    percent = property(lambda self: self.progress.percent)
    complete = property(lambda self: self.progress.complete)
    completed_on = property(lambda self: self.progress.completed_on)


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


# ---- the reads (one query each) ---------------------------------------------------------------

def _assigned_course_ids(user_id: int) -> set[int]:
    """Courses assigned to the classes the user is a member of (not archived)."""
    return set(db.session.scalars(
        select(ClassCourse.course_id).distinct()
        .join(Membership, Membership.class_id == ClassCourse.class_id)
        .join(SchoolClass, SchoolClass.id == ClassCourse.class_id)
        .where(Membership.user_id == user_id, Membership.role == "member", SchoolClass.status != "archived")))


def _unit_rows(user_id: int) -> dict[int, UnitProgress]:
    """The member's unit_progress rows (at most one per unit), by unit id."""
    rows = db.session.scalars(select(UnitProgress).where(UnitProgress.user_id == user_id))
    return {row.unit_id: row for row in rows}


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

def _next_unit(units: list[UnitEntry], mine: dict[int, UnitProgress], figures) -> tuple[str, UnitEntry | None]:
    if figures.complete:
        return "review", None
    if not mine:
        return "start", units[0] if units else None
    unfinished = next((u for u in units if not (u.id in mine and mine[u.id].completed_at)), None)
    return "resume", progress.resume_unit(units, mine) or unfinished


def order_key(item: MyCourse) -> tuple[int, float, int, str]:
    """What to do next first: in progress (latest first), not started, complete (latest first);
    the catalog's order (the content index's: order, slug) within each. JSON values: the API's
    cursor (GET /api/v1/progress pages by this key)."""
    if item.complete:
        group, when = 2, item.completed_on
    elif item.action == "resume":
        group, when = 0, item.last_activity
    else:
        group, when = 1, None
    return group, -(when.timestamp() if when else 0), item.course.order, item.course.slug


def my_courses(user) -> list[MyCourse]:
    """The member's started and class-assigned courses, in the order to work on them."""
    courses = visible_courses(user)
    assigned = _assigned_course_ids(user.id)
    rows = _unit_rows(user.id)
    seconds = progress.study_seconds_by_course(user, [c.id for c in courses])
    units = {c.id: progress.live_units(c) for c in courses}
    mine = {c.id: {u.id: rows[u.id] for u in units[c.id] if u.id in rows} for c in courses}
    chosen = [c for c in courses if c.id in assigned or mine[c.id] or seconds[c.id]]
    figures = progress.course_progress_for(user, chosen)
    items = []
    for course in chosen:
        action, next_unit = _next_unit(units[course.id], mine[course.id], figures[course.id])
        items.append(MyCourse(course=course, progress=figures[course.id], study_seconds=seconds[course.id],
                              action=action, next_unit=next_unit, assigned=course.id in assigned,
                              last_activity=max((r.last_viewed_at for r in mine[course.id].values()), default=None)))
    return sorted(items, key=order_key)


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
    """Everything the home page shows of progress: a fixed number of queries."""
    now = now or utcnow()
    return MemberDashboard(courses=my_courses(user), results=recent_results(user),
                           week=study_week(user, now, tz))
