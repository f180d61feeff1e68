"""/api/v1/courses and units."""
from __future__ import annotations

from flask import jsonify, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..core.api import ApiError, page_of, page_params
from ..courses import services
from ..courses.views import commit_progress
from ..quizzes import services as quiz_services
from ..quizzes.presenters import quiz_summary
from . import bp


def _unit_summary(view: services.CourseView, unit) -> dict:
    return {"slug": unit.slug, "title": unit.title, "order": unit.order,
            "summary": unit.summary, "estimated_minutes": unit.estimated_minutes,
            "completion": unit.completion, "completed": view.completed(unit),
            "url": url_for("courses.unit", course_slug=view.course.slug, unit_slug=unit.slug)}


def _course_view_or_404(course_slug: str) -> services.CourseView:
    view = services.load_course_view(current_user, course_slug)
    if view is None:
        raise ApiError(404, "not_found", _l("No course '%(course)s'.", course=course_slug))
    return view


def _unit_view_or_404(course_slug: str, unit_slug: str) -> services.UnitView:
    view = services.load_unit_view(current_user, course_slug, unit_slug)
    if view is None:
        raise ApiError(404, "not_found", _l("No unit '%(unit)s' in course '%(course)s'.", unit=unit_slug, course=course_slug))
    return view


@bp.get("/courses")
def list_courses():
    offset, limit = page_params()
    courses = services.visible_courses(current_user)
    progress = services.progress_by_course(current_user, courses)
    items = [{"slug": c.slug, "title": c.title, "summary": c.summary,
              "units_count": progress[c.id].total, "progress": progress[c.id].as_dict(),
              "url": url_for("courses.course", course_slug=c.slug)} for c in courses]
    return jsonify(page_of(items, offset, limit))


@bp.get("/courses/<course_slug>")
def get_course(course_slug: str):
    view = _course_view_or_404(course_slug)
    resume = view.resume
    return jsonify({
        "slug": view.course.slug, "title": view.course.title, "summary": view.course.summary,
        "url": url_for("courses.course", course_slug=view.course.slug),
        "units": [_unit_summary(view, u) for u in view.units],
        "quizzes": [quiz_summary(view.course, quiz) for quiz in quiz_services.course_quizzes(view.course)],
        "progress": view.summary.as_dict(),
        "resume_unit": resume.slug if resume else None,
    })


def _unit_detail(view: services.UnitView) -> dict:
    return {**_unit_summary(view, view.unit), "html": view.html,
            "prev": view.previous.slug if view.previous else None,
            "next": view.next.slug if view.next else None}


@bp.get("/courses/<course_slug>/units/<unit_slug>")
def get_unit(course_slug: str, unit_slug: str):
    view = _unit_view_or_404(course_slug, unit_slug)
    existing = view.progress.get(view.unit.id)
    view.progress[view.unit.id] = services.record_view(current_user, view.unit, existing)
    commit_progress(first_visit=existing is None)
    return jsonify(_unit_detail(view))


@bp.post("/courses/<course_slug>/units/<unit_slug>/complete")
def complete_unit(course_slug: str, unit_slug: str):
    view = _unit_view_or_404(course_slug, unit_slug)
    existing = view.progress.get(view.unit.id)
    view.progress[view.unit.id] = services.mark_complete(current_user, view.unit, existing)
    commit_progress(first_visit=existing is None)
    return jsonify(_unit_detail(view))
