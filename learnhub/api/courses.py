"""/api/v1/courses and units."""
from __future__ import annotations

from flask import jsonify, url_for
from flask_login import current_user

from ..core.api import ApiError, page_of, page_params
from ..extensions import db
from ..courses import services
from ..courses.loaders import load_course_view, load_unit_view
from ..courses.views import visit
from ..progress import completion
from ..progress import services as progress
from ..quizzes import services as quiz_services
from ..quizzes.presenters import quiz_summary
from . import bp


def _unit_summary(view: services.CourseView, unit, lock) -> dict:
    return {"slug": unit.slug, "title": unit.title, "order": unit.order,
            "summary": unit.summary, "estimated_minutes": unit.estimated_minutes,
            "completion": unit.completion, "completed": view.completed(unit),
            "locked": bool(lock), "requires": list(unit.requires),
            "url": url_for("courses.unit", course_slug=view.course.slug, unit_slug=unit.slug)}


@bp.get("/courses")
def list_courses():
    offset, limit = page_params()
    courses = services.visible_courses(current_user)
    figures = progress.course_progress_for(current_user, courses)
    items = [{"slug": c.slug, "title": c.title, "summary": c.summary,
              "units_count": figures[c.id].total, "progress": figures[c.id].as_dict(),
              "lang": services.course_language(c),
              "url": url_for("courses.course", course_slug=c.slug)} for c in courses]
    return jsonify(page_of(items, offset, limit))


@bp.get("/courses/<course_slug>")
def get_course(course_slug: str):
    view = load_course_view(course_slug)
    state = progress.page_state(current_user, view)
    completed_on = state.progress.completed_on
    return jsonify({
        "slug": view.course.slug, "title": view.course.title, "summary": view.course.summary,
        "url": url_for("courses.course", course_slug=view.course.slug),
        "units": [_unit_summary(view, u, state.locks.get(u.id)) for u in view.units],
        "quizzes": [quiz_summary(view.course, quiz) for quiz in quiz_services.course_quizzes(view.course)],
        "progress": state.progress.as_dict(),
        "complete": state.progress.complete,
        "completed_on": completed_on.isoformat() if completed_on else None,
        "study_seconds": state.study_seconds,
        "resume_unit": state.resume.slug if state.resume else None,
    })


def _unit_detail(view: services.UnitView, lock) -> dict:
    """A locked unit keeps every field, with its text withheld and what it still needs."""
    return {**_unit_summary(view, view.unit, lock), "html": "" if lock else view.html,
            "missing": [m.as_dict() for m in lock.missing] if lock else [],
            "prev": view.previous.slug if view.previous else None,
            "next": view.next.slug if view.next else None}


def _lock(view: services.UnitView):
    return progress.unit_lock(current_user, view.unit, view.course, view.progress)


@bp.get("/courses/<course_slug>/units/<unit_slug>")
def get_unit(course_slug: str, unit_slug: str):
    view = load_unit_view(course_slug, unit_slug)
    lock = _lock(view)
    if not lock:  # a locked unit is not visited
        visit(current_user, view)
    return jsonify(_unit_detail(view, lock))


def _refuse_locked(lock) -> None:
    if lock:
        raise ApiError(403, "locked", lock.message)


@bp.post("/courses/<course_slug>/units/<unit_slug>/complete")
def complete_unit(course_slug: str, unit_slug: str):
    view = load_unit_view(course_slug, unit_slug)
    lock = _lock(view)
    _refuse_locked(lock)
    view.progress[view.unit.id] = completion.mark_complete(current_user, view.unit,
                                                           view.progress.get(view.unit.id))
    db.session.commit()
    return jsonify(_unit_detail(view, lock))


@bp.delete("/courses/<course_slug>/units/<unit_slug>/complete")
def uncomplete_unit(course_slug: str, unit_slug: str):
    """Undo of "mark as complete" (manual units only: 409 `completion_rule` otherwise)."""
    view = load_unit_view(course_slug, unit_slug)
    completion.undo_complete(current_user, view.unit, view.progress.get(view.unit.id))
    db.session.commit()
    return jsonify(_unit_detail(view, _lock(view)))
