"""The database index of content/ and each process's snapshot of it.

`sync_index` makes the courses/units tables match the files (rows are keyed by slug and
never deleted, so progress and discussions can refer to them). Each worker keeps a
read-only snapshot of the visible rows, rebuilt whenever it notices content/ changed:
course and unit pages then need no query to list units.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.types import utcnow
from ..extensions import db
from .catalog import get_catalog
from .loader import ContentTree
from .models import Course, Unit


@dataclass
class SyncResult:
    added: int = 0
    updated: int = 0
    removed: int = 0


@dataclass(frozen=True)
class CourseEntry:
    id: int
    slug: str
    title: str
    summary: str
    order: int
    draft: bool
    removed: bool = False  # the folder is gone; kept so past attempts stay readable


@dataclass(frozen=True)
class UnitEntry:
    id: int
    course_id: int
    slug: str
    title: str
    summary: str
    order: int
    estimated_minutes: int | None
    completion: str
    quiz_slug: str | None
    draft: bool
    requires: tuple[str, ...] = ()     # unit slugs and quiz:slug entries of the same course
    dwell_seconds: int | None = None   # the view rule's override (see progress.rules)


@dataclass
class ContentIndex:
    """Visible (not removed) courses and units, in order."""

    version: object = None
    courses: list[CourseEntry] = field(default_factory=list)
    units: dict[int, list[UnitEntry]] = field(default_factory=dict)  # by course id

    def course(self, slug: str) -> CourseEntry | None:
        return next((c for c in self.courses if c.slug == slug), None)

    def course_by_id(self, course_id: int) -> CourseEntry | None:
        return next((c for c in self.courses if c.id == course_id), None)


def course_entry_any(session: Session, course_id: int) -> CourseEntry | None:
    """A course by id even when its folder was removed (past attempts refer to it)."""
    row = session.get(Course, course_id)
    if row is None:
        return None
    return CourseEntry(id=row.id, slug=row.slug, title=row.title, summary=row.summary,
                       order=row.order, draft=row.draft, removed=row.removed_at is not None)


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
                  "requires": list(unit_file.requires) or None,
                  "dwell_seconds": unit_file.dwell_seconds, "draft": unit_file.draft, "checksum": unit_file.checksum, "removed_at": None}
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


def _snapshot(session: Session, version) -> ContentIndex:
    index = ContentIndex(version=version)
    courses = session.scalars(select(Course).where(Course.removed_at.is_(None))
                              .order_by(Course.order, Course.slug))
    index.courses = [CourseEntry(id=c.id, slug=c.slug, title=c.title, summary=c.summary,
                                 order=c.order, draft=c.draft) for c in courses]
    units = session.scalars(select(Unit).where(Unit.removed_at.is_(None))
                            .order_by(Unit.course_id, Unit.order, Unit.slug))
    for u in units:
        index.units.setdefault(u.course_id, []).append(UnitEntry(
            id=u.id, course_id=u.course_id, slug=u.slug, title=u.title, summary=u.summary,
            order=u.order, estimated_minutes=u.estimated_minutes, completion=u.completion,
            quiz_slug=u.quiz_slug, draft=u.draft, requires=tuple(u.requires or ()),
            dwell_seconds=u.dwell_seconds))
    return index


SYNC_STEPS_KEY = "learnhub_sync_steps"
# Requests that never read content: no re-index check on them.
_NO_CONTENT_ENDPOINTS = {None, "static", "health.healthz", "health.readyz"}


def register_sync_step(app, step) -> None:
    """Higher features index their own files too: step(session, tree), run after courses."""
    app.extensions.setdefault(SYNC_STEPS_KEY, []).append(step)


def sync_all(session: Session, tree: ContentTree) -> SyncResult:
    """`content sync`: courses and units, then every registered step (quizzes). Flushes."""
    result = sync_index(session, tree)
    for step in current_app.extensions.get(SYNC_STEPS_KEY, []):
        step(session, tree)
    session.flush()
    return result


def reindex(version) -> ContentIndex:
    """Index the files on a connection of its own, commit, and rebuild this process's snapshot.

    Called before a request touches the database (see `reindex_if_changed`), so it can
    never wait on a lock that the same request holds. Two workers noticing the same change
    may race to insert the same new slug: the loser retries once and then finds the rows.
    Any other error propagates (a 503 while the database is down, a 500 otherwise).
    """
    tree = get_catalog().tree()
    for attempt in range(2):
        with Session(db.engine) as session:
            try:
                sync_all(session, tree)
                session.commit()
                break
            except IntegrityError:
                session.rollback()
                if attempt == 1:
                    raise
    return rebuild_snapshot(version)


def rebuild_snapshot(version) -> ContentIndex:
    with Session(db.engine) as session:
        index = _snapshot(session, version)
    current_app.extensions["learnhub_index"] = index
    return index


def reindex_if_changed() -> None:
    """before_request: when content/ changed since this worker last looked, re-index it."""
    if request.endpoint in _NO_CONTENT_ENDPOINTS:
        return
    version = get_catalog().version
    index = current_app.extensions.get("learnhub_index")
    if index is None or index.version != version:
        reindex(version)


def content_index() -> ContentIndex:
    """This process's snapshot of the indexed rows (no query once built).

    Inside a request it is fresh (`reindex_if_changed` ran first). Outside one (CLI,
    scripts) it reflects the database as the last `content sync` left it.
    """
    version = get_catalog().version
    index = current_app.extensions.get("learnhub_index")
    if index is not None and index.version == version:
        return index
    return rebuild_snapshot(version)
