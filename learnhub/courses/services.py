"""Course rules: indexing content/ into the database, visibility, progress."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.permissions import has_role
from ..core.types import utcnow
from ..extensions import db
from .catalog import get_catalog
from .loader import ContentTree
from .models import Course, Unit, UnitProgress

# A repeated visit to a unit within this window does not write to the database.
VISIT_WRITE_INTERVAL = timedelta(minutes=1)


class CompletionRuleError(Exception):
    """The unit's completion rule is not met (e.g. a quiz unit marked complete by hand)."""


@dataclass
class SyncResult:
    added: int = 0
    updated: int = 0
    removed: int = 0


@dataclass
class Progress:
    completed: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0

    def as_dict(self) -> dict:
        return {"completed": self.completed, "total": self.total, "percent": self.percent}


# ---- indexing -------------------------------------------------------------------------

def _apply(row, values: dict) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


def sync_index(session: Session, tree: ContentTree) -> SyncResult:
    """Make the courses/units tables match the files. Idempotent; removed rows are hidden."""
    result = SyncResult()
    now = utcnow()
    courses = {c.slug: c for c in session.scalars(select(Course))}
    for slug, course_file in tree.courses.items():
        values = {"title": course_file.title, "summary": course_file.summary,
                  "order": course_file.order, "draft": course_file.draft,
                  "checksum": course_file.checksum, "removed_at": None}
        course = courses.get(slug)
        if course is None:
            course = Course(slug=slug, **values)
            session.add(course)
            session.flush()
            result.added += 1
        elif _apply(course, values):
            result.updated += 1
        _sync_units(session, course, tree, result, now)
    for slug, course in courses.items():
        if slug not in tree.courses and course.removed_at is None:
            course.removed_at = now
            result.removed += 1
    session.flush()
    return result


def _sync_units(session: Session, course: Course, tree: ContentTree, result: SyncResult,
                now: datetime) -> None:
    existing = {u.slug: u for u in session.scalars(select(Unit).where(Unit.course_id == course.id))}
    files = {u.slug: u for u in tree.units.get(course.slug, [])}
    for slug, unit_file in files.items():
        values = {"title": unit_file.title, "summary": unit_file.summary, "order": unit_file.order,
                  "estimated_minutes": unit_file.estimated_minutes,
                  "completion": unit_file.completion, "quiz_slug": unit_file.quiz,
                  "draft": unit_file.draft, "checksum": unit_file.checksum, "removed_at": None}
        unit = existing.get(slug)
        if unit is None:
            session.add(Unit(course_id=course.id, slug=slug, **values))
            result.added += 1
        elif _apply(unit, values):
            result.updated += 1
    for slug, unit in existing.items():
        if slug not in files and unit.removed_at is None:
            unit.removed_at = now
            result.removed += 1


def ensure_index_current() -> None:
    """Re-index when this process notices content/ changed (runs in its own transaction)."""
    catalog = get_catalog()
    version = catalog.version
    state = current_app.extensions.setdefault("learnhub_index", {"version": None})
    if state["version"] == version:
        return
    for _attempt in range(2):  # two workers may race to insert the same new slug
        with Session(db.engine) as session:
            try:
                sync_index(session, catalog.tree())
                session.commit()
                break
            except IntegrityError:
                session.rollback()
    state["version"] = version


# ---- visibility -------------------------------------------------------------------------

def can_see_drafts(user) -> bool:
    return has_role(user, "instructor")


def visible_courses(user) -> list[Course]:
    statement = select(Course).where(Course.removed_at.is_(None)).order_by(Course.order, Course.slug)
    if not can_see_drafts(user):
        statement = statement.where(Course.draft.is_(False))
    return list(db.session.scalars(statement))


def get_course(slug: str, user) -> Course | None:
    course = db.session.scalar(select(Course).where(Course.slug == slug, Course.removed_at.is_(None)))
    if course is None or (course.draft and not can_see_drafts(user)):
        return None
    return course


def course_units(course: Course, user) -> list[Unit]:
    statement = (select(Unit).where(Unit.course_id == course.id, Unit.removed_at.is_(None))
                 .order_by(Unit.order, Unit.slug))
    if not can_see_drafts(user):
        statement = statement.where(Unit.draft.is_(False))
    return list(db.session.scalars(statement))


# ---- progress ---------------------------------------------------------------------------

def progress_by_unit(user, units: list[Unit]) -> dict[int, UnitProgress]:
    if not units:
        return {}
    rows = db.session.scalars(select(UnitProgress).where(
        UnitProgress.user_id == user.id, UnitProgress.unit_id.in_([u.id for u in units])))
    return {row.unit_id: row for row in rows}


def course_progress(units: list[Unit], progress: dict[int, UnitProgress]) -> Progress:
    done = sum(1 for u in units if progress.get(u.id) and progress[u.id].completed_at)
    return Progress(completed=done, total=len(units))


def progress_by_course(user, courses: list[Course]) -> dict[int, Progress]:
    """Progress for many courses in two queries, whatever their number."""
    ids = [c.id for c in courses]
    if not ids:
        return {}
    visible = (Unit.removed_at.is_(None), Unit.course_id.in_(ids))
    if not can_see_drafts(user):
        visible += (Unit.draft.is_(False),)
    totals = dict(db.session.execute(
        select(Unit.course_id, func.count()).where(*visible).group_by(Unit.course_id)).all())
    done = dict(db.session.execute(
        select(Unit.course_id, func.count()).join(UnitProgress, UnitProgress.unit_id == Unit.id)
        .where(*visible, UnitProgress.user_id == user.id, UnitProgress.completed_at.is_not(None))
        .group_by(Unit.course_id)).all())
    return {cid: Progress(completed=done.get(cid, 0), total=totals.get(cid, 0)) for cid in ids}


def resume_unit(units: list[Unit], progress: dict[int, UnitProgress]) -> Unit | None:
    """Where to carry on: the last unit viewed, or the next unfinished one after it."""
    viewed = [u for u in units if u.id in progress]
    if not viewed:
        return None
    last = max(viewed, key=lambda u: progress[u.id].last_viewed_at)
    if not progress[last.id].completed_at:
        return last
    after = units[units.index(last) + 1:]
    return next((u for u in after if not (progress.get(u.id) and progress[u.id].completed_at)), None)


def record_view(user, unit: Unit, existing: UnitProgress | None) -> UnitProgress:
    """Note a visit; a `view` unit is complete once seen. Writes at most once a minute."""
    now = utcnow()
    if existing is None:
        existing = UnitProgress(user_id=user.id, unit_id=unit.id, first_viewed_at=now,
                                last_viewed_at=now)
        db.session.add(existing)
    elif now - existing.last_viewed_at >= VISIT_WRITE_INTERVAL:
        existing.last_viewed_at = now
    if unit.completion == "view" and existing.completed_at is None:
        existing.completed_at = now
    return existing


def mark_complete(user, unit: Unit, existing: UnitProgress | None) -> UnitProgress:
    """The member says they finished the unit. Only `manual` units (or seen `view` ones)."""
    if existing is not None and existing.completed_at is not None:
        return existing
    if unit.completion != "manual":
        if unit.completion == "quiz":
            raise CompletionRuleError(_l("This unit is completed by passing its quiz."))
        raise CompletionRuleError(_l("This unit is completed by opening it."))
    now = utcnow()
    if existing is None:
        existing = UnitProgress(user_id=user.id, unit_id=unit.id, first_viewed_at=now,
                                last_viewed_at=now)
        db.session.add(existing)
    existing.completed_at = now
    return existing


def neighbours(units: list[Unit], unit: Unit) -> tuple[Unit | None, Unit | None]:
    index = units.index(unit)
    previous = units[index - 1] if index > 0 else None
    following = units[index + 1] if index + 1 < len(units) else None
    return previous, following


# ---- what a course or unit page shows -----------------------------------------------------

@dataclass
class CourseView:
    course: Course
    units: list[Unit]
    progress: dict[int, UnitProgress]

    @property
    def summary(self) -> Progress:
        return course_progress(self.units, self.progress)

    @property
    def resume(self) -> Unit | None:
        return resume_unit(self.units, self.progress)

    def completed(self, unit: Unit) -> bool:
        row = self.progress.get(unit.id)
        return bool(row and row.completed_at)


@dataclass
class UnitView(CourseView):
    unit: Unit
    html: str
    toc_html: str
    has_toc: bool

    @property
    def previous(self) -> Unit | None:
        return neighbours(self.units, self.unit)[0]

    @property
    def next(self) -> Unit | None:
        return neighbours(self.units, self.unit)[1]


def load_course_view(user, course_slug: str) -> CourseView | None:
    """The course with its visible units and the user's progress (a fixed number of queries)."""
    ensure_index_current()
    course = get_course(course_slug, user)
    if course is None:
        return None
    units = course_units(course, user)
    return CourseView(course=course, units=units, progress=progress_by_unit(user, units))


def load_unit_view(user, course_slug: str, unit_slug: str) -> UnitView | None:
    """A unit with its rendered, sanitised HTML; None when hidden from this user."""
    course_view = load_course_view(user, course_slug)
    if course_view is None:
        return None
    unit = next((u for u in course_view.units if u.slug == unit_slug), None)
    catalog = get_catalog()
    unit_file = catalog.tree().unit(course_slug, unit_slug)
    if unit is None or unit_file is None:
        return None
    rendered = catalog.render(course_slug, unit_file.body, unit_file.checksum)
    return UnitView(course=course_view.course, units=course_view.units,
                    progress=course_view.progress, unit=unit, html=rendered.html,
                    toc_html=rendered.toc_html, has_toc=rendered.has_toc)


def render_course_description(course: Course) -> str:
    catalog = get_catalog()
    course_file = catalog.tree().courses.get(course.slug)
    if course_file is None:
        return ""
    return catalog.render(course.slug, course_file.body, course_file.checksum).html
