"""/api/v1/courses and units."""
from __future__ import annotations

from operator import attrgetter
from typing import Literal, Optional

from flask import url_for
from flask_login import current_user
from pydantic import Field

from ..core.api import ApiError
from ..core.pagination import Key, page_of_sorted, page_request
from ..courses import services
from ..courses.loader import COMPLETION_RULES, COURSE_LANGUAGES
from ..courses.loaders import load_course_view, load_unit_view
from ..courses.views import visit
from ..extensions import db
from ..progress import completion, services as progress
from ..quizzes import services as quiz_services
from ..quizzes.presenters import quiz_summary
from ..quizzes.settings import KINDS
from . import bp
from .schema import ApiDateTime, Out, Page, PageQuery, declare

# ---- schemas -----------------------------------------------------------------------------------

class Progress(Out):
    completed: int = Field(description="required units completed")
    total: int = Field(description="required units")
    percent: int = Field(ge=0, le=100)


class CourseItem(Out):
    slug: str
    title: str
    summary: str
    units_count: int
    progress: Progress
    lang: Optional[Literal[COURSE_LANGUAGES]] = Field(
        description="the course's language (course.md `lang:`); null: any")
    url: str


class UnitItem(Out):
    slug: str
    title: str
    order: int
    summary: str
    estimated_minutes: Optional[int]
    completion: Literal[COMPLETION_RULES]
    completed: bool
    locked: bool
    requires: list[str] = Field(description="prerequisites: unit slugs and quiz:slug entries")
    url: str


class QuizItem(Out):
    slug: str
    title: str
    kind: Literal[KINDS]
    url: str


class Course(Out):
    """Course"""

    slug: str
    title: str
    summary: str
    url: str
    units: list[UnitItem]
    quizzes: list[QuizItem]
    progress: Progress
    complete: bool
    completed_on: Optional[ApiDateTime] = Field(description="when the last required unit was completed")
    study_seconds: int
    resume_unit: Optional[str] = Field(description="slug of the unit to resume")


class Missing(Out):
    kind: str = Field(description="unit or quiz")
    slug: str
    title: str
    url: str


class Unit(UnitItem):
    """Unit"""

    html: str = Field(description="sanitised; empty while the unit is locked")
    missing: list[Missing] = Field(description="what is still needed before the unit opens (empty when open)")
    prev: Optional[str]
    next: Optional[str]


TAGS = ("courses",)
# The content index is this process's snapshot in memory (no query): the list is paged by
# keyset over the index's own order (order, slug), not by a select.
COURSE_ORDER = [Key(attrgetter("order")), Key(attrgetter("slug"))]

# ---- helpers -----------------------------------------------------------------------------------

def _unit_summary(view: services.CourseView, unit, lock) -> dict:
    return {"slug": unit.slug, "title": unit.title, "order": unit.order,
            "summary": unit.summary, "estimated_minutes": unit.estimated_minutes,
            "completion": unit.completion, "completed": view.completed(unit),
            "locked": bool(lock), "requires": list(unit.requires),
            "url": url_for("courses.unit", course_slug=view.course.slug, unit_slug=unit.slug)}


def _unit_detail(view: services.UnitView, lock) -> dict:
    """A locked unit keeps every field, with its text withheld and what it still needs."""
    return {**_unit_summary(view, view.unit, lock), "html": "" if lock else view.html,
            "missing": lock.missing if lock else [],
            "prev": view.previous.slug if view.previous else None,
            "next": view.next.slug if view.next else None}


def _lock(view: services.UnitView):
    return progress.unit_lock(current_user, view.unit, view.course, view.progress)


def refuse_locked(lock) -> None:
    """403 `locked` with what is still needed (the unit endpoints and the heartbeat)."""
    if lock:
        raise ApiError(403, "locked", lock.message)


# ---- routes ------------------------------------------------------------------------------------

@bp.get("/courses")
@declare("Courses the caller can see, with progress", query=PageQuery, responses={200: Page[CourseItem]},
         errors=(400,), tags=TAGS)
def list_courses(query: PageQuery):
    page = page_of_sorted(services.visible_courses(current_user), COURSE_ORDER, **page_request())
    figures = progress.course_progress_for(current_user, page.items)
    page.items = [{"slug": c.slug, "title": c.title, "summary": c.summary,
                   "units_count": figures[c.id].total, "progress": figures[c.id],
                   "lang": services.course_language(c),
                   "url": url_for("courses.course", course_slug=c.slug)} for c in page.items]
    return page


@bp.get("/courses/<course_slug>")
@declare("A course with its units, quizzes, progress and where to resume", responses={200: Course},
         errors=(404,), tags=TAGS)
def get_course(course_slug: str):
    view = load_course_view(course_slug)
    state = progress.page_state(current_user, view)
    return {
        "slug": view.course.slug, "title": view.course.title, "summary": view.course.summary,
        "url": url_for("courses.course", course_slug=view.course.slug),
        "units": [_unit_summary(view, u, state.locks.get(u.id)) for u in view.units],
        "quizzes": [quiz_summary(view.course, quiz) for quiz in quiz_services.course_quizzes(view.course)],
        "progress": state.progress,
        "complete": state.progress.complete,
        "completed_on": state.progress.completed_on,
        "study_seconds": state.study_seconds,
        "resume_unit": state.resume.slug if state.resume else None,
    }


@bp.get("/courses/<course_slug>/units/<unit_slug>")
@declare("A unit's sanitised HTML (opening it is a visit; it completes nothing by itself). A locked "
         "unit: `locked` true, `html` empty, `missing` lists what is needed", responses={200: Unit},
         errors=(404,), tags=TAGS)
def get_unit(course_slug: str, unit_slug: str):
    view = load_unit_view(course_slug, unit_slug)
    lock = _lock(view)
    if not lock:  # a locked unit is not visited
        visit(current_user, view)
    return _unit_detail(view, lock)


@bp.post("/courses/<course_slug>/units/<unit_slug>/complete")
@declare("Mark a manual unit complete (403 `locked`, 409 `completion_rule`)", responses={200: Unit},
         errors=(400, 403, 404, 409), tags=TAGS)
def complete_unit(course_slug: str, unit_slug: str):
    view = load_unit_view(course_slug, unit_slug)
    lock = _lock(view)
    refuse_locked(lock)
    view.progress[view.unit.id] = completion.mark_complete(current_user, view.unit,
                                                           view.progress.get(view.unit.id))
    db.session.commit()
    return _unit_detail(view, lock)


@bp.delete("/courses/<course_slug>/units/<unit_slug>/complete")
@declare("Undo 'mark as complete' of a manual unit (409 `completion_rule` for other rules); the "
         "history keeps both", responses={200: Unit}, errors=(400, 404, 409), tags=TAGS)
def uncomplete_unit(course_slug: str, unit_slug: str):
    view = load_unit_view(course_slug, unit_slug)
    mark = completion.undo_complete(current_user, view.unit, view.progress.get(view.unit.id))
    if mark is not None:
        view.progress[view.unit.id] = mark
    db.session.commit()
    return _unit_detail(view, _lock(view))
