"""/api/v1/progress: the caller's own courses with progress (what the member dashboard shows)."""
from __future__ import annotations

from flask import jsonify, url_for
from flask_login import current_user

from ..core.api import page_of, page_params
from ..progress.member_dashboard import MyCourse, my_courses
from . import bp


def progress_item(item: MyCourse) -> dict:
    return {"course": item.course.slug, "title": item.course.title, "completed": item.completed,
            "total": item.total, "percent": item.percent, "study_seconds": item.study_seconds,
            "resume_unit": item.next_unit.slug if item.next_unit else None,
            "url": url_for("courses.course", course_slug=item.course.slug)}


@bp.get("/progress")
def list_my_progress():
    """One item per course the caller started or is assigned through a class, in the
    dashboard's order (in progress, not started, complete); only the caller's own."""
    offset, limit = page_params()
    return jsonify(page_of([progress_item(i) for i in my_courses(current_user)], offset, limit))
