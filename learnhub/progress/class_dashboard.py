"""The staff class dashboard: every member's progress in a class's assigned courses.

A fixed number of statements whatever the class's size (about ten for a page: the assigned
courses, the optional units, the quizzes, the members, one aggregate each for progress,
study time and best scores, two for attendance, and the grid cells of the page shown), each
built once per process (class_reads.py, shared with the completion check). The rows are
plain tuples; each member's figures (percent, status, behind) are worked out once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..classes.attendance.stats import attendance_rates
from ..classes.models import STAGES, SchoolClass
from ..classes.services import class_courses
from ..core.errors import DomainError
from ..courses.index import UnitEntry
from ..courses.services import Progress
from .class_reads import (  # the completion check (grading) reads the class through here too
    DashboardQuiz,
    best_scores,
    class_members,
    class_quizzes,
    completion_counts,
    required_units,
    study_seconds,
    unit_cells,
)

STATUSES = ("not_started", "in_progress", "complete")
CELL_STATES = ("complete", "started", "not_started")
# Behind schedule: this many percentage points below the share of the term already gone.
BEHIND_MARGIN = 10
PAGE_SIZE = 50
# Columns the table sorts by, besides one per quiz ("quiz:<key>") and per unit ("unit:<id>").
SORT_KEYS = ("username", "display_name", "student_no", "department", "stage", "completed", "percent",
             "study_seconds", "attendance_rate", "status", "behind")


class FilterError(DomainError):
    """422 `invalid_filter`: a filter or sort value the dashboard does not know."""

    status, code = 422, "invalid_filter"


# ---- filters -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    department: str = ""
    stage: str = ""
    status: str = ""
    behind: bool | None = None
    sort: str = "username"

    @property
    def sort_key(self) -> str:
        return self.sort.lstrip("-") or "username"

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")


def parse_filters(args, sort_keys: set[str], strict: bool) -> Filters:
    """Filters from query arguments. `strict` (the API): unknown values are a FilterError;
    otherwise (the page) they are dropped, so an old link still opens."""
    def refuse(message):
        if strict:
            raise FilterError(message)

    department = (args.get("department") or "")[:120]
    stage = args.get("stage") or ""
    if stage and stage not in STAGES:
        refuse(_l("Unknown stage; choose one of %(values)s.", values=", ".join(STAGES)))
        stage = ""
    status = args.get("status") or ""
    if status and status not in STATUSES:
        refuse(_l("Unknown status; choose one of %(values)s.", values=", ".join(STATUSES)))
        status = ""
    raw_behind = args.get("behind") or ""
    behind = {"1": True, "true": True, "0": False, "false": False, "": None}.get(raw_behind.lower(), "bad")
    if behind == "bad":
        refuse(_l("'behind' is 1 or 0."))
        behind = None
    sort = args.get("sort") or "username"
    if sort.lstrip("-") not in sort_keys:
        if strict:
            raise FilterError(422, "invalid_sort", _l(
                "Unknown sort column; choose one of %(values)s, with '-' for descending.",
                values=", ".join(sorted(sort_keys))))
        sort = "username"
    return Filters(department=department, stage=stage, status=status, behind=behind, sort=sort)


# ---- the rows ------------------------------------------------------------------------------------

@dataclass
class MemberRow:
    user_id: int
    username: str
    display_name: str
    department: str | None
    stage: str | None
    completed: int
    started: int  # required units viewed but not complete
    total: int
    study_seconds: int
    best_scores: dict[str, float]
    attendance_rate: float | None
    completed_on: date | None  # the day the last required unit was completed, once complete
    behind: bool = False
    student_no: str | None = None  # 学号, as the roster has it
    # Worked out once from the counts above (a row is read many times: filters, sorts, pages).
    percent: int = field(init=False)
    status: str = field(init=False)

    def __post_init__(self) -> None:
        self.percent = Progress(self.completed, self.total).percent
        if self.total and self.completed >= self.total:
            self.status = "complete"
        else:
            self.status = "in_progress" if self.completed or self.started else "not_started"

    @property
    def study_hours(self) -> float:
        return round(self.study_seconds / 3600, 1)

    def value(self, key: str):
        if key.startswith("quiz:"):
            return self.best_scores.get(key[5:])
        return getattr(self, key)


@dataclass
class Dashboard:
    school_class: SchoolClass
    units: list[UnitEntry]
    quizzes: list[DashboardQuiz]
    everyone: list[MemberRow]  # the whole class (the charts)
    rows: list[MemberRow]  # filtered and sorted (the table, the exports, the API)
    expected_percent: int  # the share of the term gone, in percent
    today: date
    departments: list[str] = field(default_factory=list)
    filters: Filters = field(default_factory=Filters)
    cells: dict | None = None  # a unit column's cells, when the rows are sorted by one

    @property
    def sort_keys(self) -> set[str]:
        return sort_keys_for(self.units, self.quizzes)

    def sort_value(self, row: MemberRow):
        """The value `rows` are sorted by (None last either way; username breaks ties): the
        API's keyset cursor holds it."""
        return _sort_value(row, self.filters.sort_key, self.cells)


def sort_keys_for(units: list[UnitEntry], quizzes: list[DashboardQuiz]) -> set[str]:
    return {*SORT_KEYS, *(f"quiz:{q.key}" for q in quizzes), *(f"unit:{u.id}" for u in units)}


def local_today(now: datetime) -> date:
    return now.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


def expected_share(school_class: SchoolClass, today: date) -> float:
    """The share of the term gone by `today`: 0 before it starts, 1 from its last day on."""
    if today < school_class.starts_on:
        return 0.0
    days = (school_class.ends_on - school_class.starts_on).days
    if today >= school_class.ends_on or days <= 0:
        return 1.0
    return (today - school_class.starts_on).days / days


def is_behind(percent: int, status: str, expected_percent: float, margin: int = BEHIND_MARGIN) -> bool:
    return status != "complete" and percent < expected_percent - margin


# ---- the dashboard -------------------------------------------------------------------------

def _sort_value(row: MemberRow, key: str, cells: dict | None):
    if key.startswith("unit:"):
        state = (cells or {}).get((row.user_id, int(key[5:])), "not_started")
        return CELL_STATES[::-1].index(state)
    value = row.value(key)
    if key == "stage":
        return STAGES.index(value) if value in STAGES else None
    if key == "status":
        return STATUSES.index(value)
    if isinstance(value, str):
        return value.casefold() or None
    return value


def sort_rows(rows: list[MemberRow], key: str, descending: bool, cells: dict | None = None) -> list[MemberRow]:
    """Sorted by `key`, empty values last either way, username breaking ties."""
    keyed = [(_sort_value(r, key, cells), r) for r in sorted(rows, key=lambda r: r.username)]
    present = [pair for pair in keyed if pair[0] is not None]
    present.sort(key=itemgetter(0), reverse=descending)  # stable: username order within ties
    return [r for _v, r in present] + [r for v, r in keyed if v is None]


def _matches(row: MemberRow, filters: Filters) -> bool:
    return ((not filters.department or row.department == filters.department)
            and (not filters.stage or row.stage == filters.stage)
            and (not filters.status or row.status == filters.status)
            and (filters.behind is None or row.behind == filters.behind))


def build(school_class: SchoolClass, now: datetime, args=None, strict: bool = False) -> Dashboard:
    """The whole class's rows, filtered and sorted by `args` (query arguments)."""
    courses = class_courses(school_class)
    units = required_units(school_class, courses)
    course_ids = [c.id for c in courses if not c.draft]
    quizzes = class_quizzes(course_ids, {c.id: c.slug for c in courses})
    filters = parse_filters(args or {}, sort_keys_for(units, quizzes), strict)
    members = class_members(school_class)
    unit_ids = [u.id for u in units]
    counts = completion_counts(school_class.id, unit_ids) if members else {}
    seconds = study_seconds(school_class.id, course_ids) if members else {}
    scores = best_scores(school_class.id, quizzes) if members else {}
    rates = attendance_rates(school_class.id, now) if members else {}
    today = local_today(now)
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    expected = 100 * expected_share(school_class, today)
    everyone = []
    for user_id, username, display_name, department, stage, student_no in members:
        completed, touched, last = counts.get(user_id, (0, 0, None))
        row = MemberRow(user_id, username, display_name, department, stage, completed,
                        touched - completed, len(units), seconds.get(user_id, 0), scores.get(user_id, {}),
                        rates.get(user_id), None, student_no=student_no)
        if row.status == "complete" and last is not None:
            row.completed_on = last.astimezone(zone).date()
        row.behind = is_behind(row.percent, row.status, expected)
        everyone.append(row)
    chosen = [r for r in everyone if _matches(r, filters)]
    departments = sorted({r.department for r in everyone if r.department})
    dashboard = Dashboard(school_class, units, quizzes, everyone, chosen, round(expected), today,
                          departments, filters)
    if filters.sort_key.startswith("unit:"):
        # One unit's column: its cells for every chosen member (one more query, still fixed).
        unit_id = int(filters.sort_key[5:])
        dashboard.cells = unit_cells(school_class.id, [unit_id], None)
        dashboard.rows = sort_rows(chosen, filters.sort_key, filters.descending, dashboard.cells)
    else:
        dashboard.rows = sort_rows(chosen, filters.sort_key, filters.descending)
    return dashboard


def row_json(row: MemberRow) -> dict:
    """A member's row as GET /api/v1/classes/{id}/progress shows it."""
    return {"username": row.username, "display_name": row.display_name, "student_no": row.student_no,
            "department": row.department, "stage": row.stage, "completed": row.completed,
            "total": row.total, "percent": row.percent,
            "study_seconds": row.study_seconds, "best_scores": row.best_scores,
            "attendance_rate": row.attendance_rate, "status": row.status, "behind": row.behind}


# ---- the charts' figures ------------------------------------------------------------------

def percent_buckets(rows: list[MemberRow]) -> list[int]:
    """Members per 10-point bucket: 0-9, 10-19, ..., 90-100 (100% goes in the last one)."""
    counts = [0] * 10
    for row in rows:
        counts[min(row.percent // 10, 9)] += 1
    return counts


def completion_curve(rows: list[MemberRow]) -> list[tuple[date, float]]:
    """(day, share of the members complete by the end of that day), one point per day with
    a completion, in day order."""
    if not rows:
        return []
    days: dict[date, int] = {}
    for row in rows:
        if row.completed_on is not None:
            days[row.completed_on] = days.get(row.completed_on, 0) + 1
    points, done = [], 0
    for day in sorted(days):
        done += days[day]
        points.append((day, done / len(rows)))
    return points
