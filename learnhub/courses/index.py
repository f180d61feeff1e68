"""The database index of content/ and each process's snapshot of it.

`sync_index` makes the courses/units tables match the files (rows are keyed by slug and
never deleted, so progress and discussions can refer to them). Each worker keeps a
read-only snapshot of the visible rows, rebuilt whenever it notices content/ changed:
course and unit pages then need no query to list units.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
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
            quiz_slug=u.quiz_slug, draft=u.draft))
    return index


def content_index() -> ContentIndex:
    """This process's snapshot, re-indexed and rebuilt when content/ changed."""
    catalog = get_catalog()
    version = catalog.version
    index = current_app.extensions.get("learnhub_index")
    if index is not None and index.version == version:
        return index
    for _attempt in range(2):  # two workers may race to insert the same new slug
        with Session(db.engine) as session:
            try:
                sync_index(session, catalog.tree())
                session.commit()
                break
            except IntegrityError:
                session.rollback()
    with Session(db.engine) as session:
        index = _snapshot(session, version)
    current_app.extensions["learnhub_index"] = index
    return index


