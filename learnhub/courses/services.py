"""Course rules: visibility, progress, and what course and unit pages show."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property, lru_cache
from typing import NamedTuple

from flask import current_app
from sqlalchemy import bindparam, select

from ..core.database import add_or_get
from ..core.permissions import allowed
from ..core.signals import unit_viewed
from ..core.types import utcnow
from ..extensions import db
from .catalog import get_catalog
from .index import CourseEntry, UnitEntry, content_index
from .models import Unit, UnitProgress

# A repeated visit to a unit within this window does not write to the database.
VISIT_WRITE_INTERVAL = timedelta(minutes=1)


@dataclass
class Progress:
    completed: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0

    def as_dict(self) -> dict:
        return {"completed": self.completed, "total": self.total, "percent": self.percent}


# ---- visibility (from the process's snapshot: no queries) ---------------------------------

def can_see_drafts(user) -> bool:
    return allowed(user, "course.see_drafts")


def visible_courses(user) -> list[CourseEntry]:
    courses = content_index().courses
    return courses if can_see_drafts(user) else [c for c in courses if not c.draft]


def get_course(slug: str, user) -> CourseEntry | None:
    course = content_index().course(slug)
    if course is None or (course.draft and not can_see_drafts(user)):
        return None
    return course


def course_units(course: CourseEntry, user) -> list[UnitEntry]:
    units = content_index().units.get(course.id, [])
    return units if can_see_drafts(user) else [u for u in units if not u.draft]


# ---- progress ---------------------------------------------------------------------------

class UnitMark(NamedTuple):
    """A member's progress row for one unit as the pages read it: a plain tuple, no ORM
    object. What writes the row (a visit, a completion) loads the row itself."""

    id: int
    unit_id: int
    last_viewed_at: datetime
    completed_at: datetime | None

    @classmethod
    def of(cls, row: UnitProgress) -> UnitMark:
        return cls(row.id, row.unit_id, row.last_viewed_at, row.completed_at)


@lru_cache(maxsize=1)
def _course_marks_statement():
    """Built once: every unit and course page runs it (the member's rows of one course, Core
    columns, so nothing goes through the ORM)."""
    progress, units = UnitProgress.__table__, Unit.__table__
    return (select(progress.c.id, progress.c.unit_id, progress.c.last_viewed_at, progress.c.completed_at)
            .select_from(progress.join(units, units.c.id == progress.c.unit_id))
            .where(progress.c.user_id == bindparam("user_id"), units.c.course_id == bindparam("course_id")))


def progress_by_unit(user, units: list[UnitEntry]) -> dict[int, UnitMark]:
    """The member's marks of `units`, by unit id: one statement per course (pages ask for
    one course's units), whatever the number of units or rows."""
    wanted = {u.id for u in units}
    marks: dict[int, UnitMark] = {}
    for course_id in {u.course_id for u in units}:
        rows = db.session.connection().execute(_course_marks_statement(),
                                               {"user_id": user.id, "course_id": course_id})
        marks.update((row[1], UnitMark(*row)) for row in rows if row[1] in wanted)
    return marks


def course_progress(units: list[UnitEntry], progress: dict[int, UnitMark]) -> Progress:
    done = sum(1 for u in units if progress.get(u.id) and progress[u.id].completed_at)
    return Progress(completed=done, total=len(units))


def progress_by_course(user, courses: list[CourseEntry]) -> dict[int, Progress]:
    """Progress for many courses in one query, whatever their number."""
    units = {c.id: course_units(c, user) for c in courses}
    unit_ids = [u.id for course_list in units.values() for u in course_list]
    completed: set[int] = set()
    if unit_ids:
        completed = set(db.session.scalars(select(UnitProgress.unit_id).where(
            UnitProgress.user_id == user.id, UnitProgress.completed_at.is_not(None),
            UnitProgress.unit_id.in_(unit_ids))))
    return {cid: Progress(completed=sum(1 for u in course_list if u.id in completed),
                          total=len(course_list)) for cid, course_list in units.items()}


def resume_unit(units: list[UnitEntry], progress: dict[int, UnitMark]) -> UnitEntry | None:
    """Where to carry on: the last unit viewed, or the next unfinished one after it (from
    the start when none is left after it); None when every unit is done."""
    viewed = [u for u in units if u.id in progress]
    if not viewed:
        return None
    last = max(viewed, key=lambda u: progress[u.id].last_viewed_at)
    if not progress[last.id].completed_at:
        return last
    index = units.index(last)
    unfinished = [u for u in units[index + 1:] + units[:index]
                  if not (progress.get(u.id) and progress[u.id].completed_at)]
    return unfinished[0] if unfinished else None  # after it, else from the start


def progress_row(user_id: int, unit_id: int, now) -> UnitProgress:
    """The member's row for the unit, inserted if missing. A concurrent first visit may
    insert it first: then that row is used (a savepoint keeps the rest of the request)."""
    find = select(UnitProgress).where(UnitProgress.user_id == user_id, UnitProgress.unit_id == unit_id)
    row, _created = add_or_get(db.session, UnitProgress(user_id=user_id, unit_id=unit_id,
                                                        first_viewed_at=now, last_viewed_at=now),
                               lambda: db.session.scalar(find))
    return row


def record_view(user, unit: UnitEntry, existing: UnitMark | None) -> UnitMark | None:
    """Note a visit (writes at most once a minute) and tell whoever listens (`unit_viewed`).
    Returns the mark as it now stands: `existing` itself when nothing was written.

    Opening a unit completes nothing here: the progress feature decides completion by the
    unit's rule (dwell time, the end reached, the button, the quiz) in answer to signals.
    """
    now = utcnow()
    first = existing is None
    if first:
        row = progress_row(user.id, unit.id, now)
    elif now - existing.last_viewed_at >= VISIT_WRITE_INTERVAL:
        row = db.session.get(UnitProgress, existing.id)  # the row to write (once a minute at most)
        row.last_viewed_at = now
    else:
        return existing  # nothing written: nothing to tell (keeps the page's hot path cheap)
    unit_viewed.send(current_app._get_current_object(), user_id=user.id, unit_id=unit.id,
                     course_id=unit.course_id, at=now, row=row, first=first)
    return UnitMark.of(row)


# ---- gates: a higher feature may lock a unit (progress: prerequisites) -----------------------

UNIT_GATES_KEY = "learnhub_unit_gates"


def register_unit_gate(app, gate) -> None:
    """gate(user, view: UnitView) -> the locked notice (HTML) or None when the unit is open."""
    app.extensions.setdefault(UNIT_GATES_KEY, []).append(gate)


def unit_lock_notice(user, view: "UnitView"):
    for gate in current_app.extensions.get(UNIT_GATES_KEY, []):
        notice = gate(user, view)
        if notice:
            return notice
    return None


def neighbours(units: list[UnitEntry], unit: UnitEntry) -> tuple[UnitEntry | None, UnitEntry | None]:
    index = units.index(unit)
    previous = units[index - 1] if index > 0 else None
    following = units[index + 1] if index + 1 < len(units) else None
    return previous, following


# ---- what a course or unit page shows -----------------------------------------------------

@dataclass
class CourseView:
    course: CourseEntry
    units: list[UnitEntry]
    progress: dict[int, UnitMark]   # the member's rows, by unit id

    @property
    def summary(self) -> Progress:
        return course_progress(self.units, self.progress)

    @property
    def resume(self) -> UnitEntry | None:
        return resume_unit(self.units, self.progress)

    def completed(self, unit: UnitEntry) -> bool:
        row = self.progress.get(unit.id)
        return bool(row and row.completed_at)


@dataclass
class UnitView(CourseView):
    unit: UnitEntry
    html: str
    toc_html: str
    has_toc: bool

    @cached_property
    def _neighbours(self) -> tuple[UnitEntry | None, UnitEntry | None]:
        return neighbours(self.units, self.unit)

    @property
    def previous(self) -> UnitEntry | None:
        return self._neighbours[0]

    @property
    def next(self) -> UnitEntry | None:
        return self._neighbours[1]


def find_course_view(user, course_slug: str) -> CourseView | None:
    """The course with its visible units and the user's progress (a fixed number of queries)."""
    course = get_course(course_slug, user)
    if course is None:
        return None
    units = course_units(course, user)
    return CourseView(course=course, units=units, progress=progress_by_unit(user, units))


def find_unit_view(user, course_slug: str, unit_slug: str) -> UnitView | None:
    """A unit with its rendered, sanitised HTML (kept per content version) and the member's
    marks of its course (one query); None when hidden from this user."""
    course = get_course(course_slug, user)
    if course is None:
        return None
    units = course_units(course, user)
    unit = next((u for u in units if u.slug == unit_slug), None)
    page = get_catalog().unit_page(course_slug, unit_slug) if unit is not None else None
    if page is None:
        return None
    rendered = page[1]
    return UnitView(course=course, units=units, progress=progress_by_unit(user, units), unit=unit,
                    html=rendered.html, toc_html=rendered.toc_html, has_toc=rendered.has_toc)


def render_course_description(course: CourseEntry) -> str:
    catalog = get_catalog()
    course_file = catalog.tree().courses.get(course.slug)
    if course_file is None:
        return ""
    return catalog.render(course.slug, course_file.body, course_file.checksum).html


# ---- the catalog in the reader's language ----------------------------------------------------

def course_language(course: CourseEntry) -> str | None:
    """The language `course.md` declares (`lang:`), None for a course for any language.

    Read from the loaded files (no column): the index has no use for it, only the pages do.
    """
    course_file = get_catalog().tree().courses.get(course.slug)
    return course_file.lang if course_file else None


@dataclass
class CatalogByLanguage:
    """The catalog split for one reader: their language (and courses for any) first."""
    yours: list[CourseEntry]
    others: list[CourseEntry]
    languages: dict[int, str | None]    # course id → declared language

    @property
    def courses(self) -> list[CourseEntry]:
        return self.yours + self.others


def catalog_by_language(courses: list[CourseEntry], language: str) -> CatalogByLanguage:
    """`courses` (in catalog order) with those in `language` or in none first, then the rest."""
    languages = {c.id: course_language(c) for c in courses}
    yours = [c for c in courses if languages[c.id] in (None, language)]
    others = [c for c in courses if languages[c.id] not in (None, language)]
    return CatalogByLanguage(yours=yours, others=others, languages=languages)
