"""Home, course and unit pages, and the course assets."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.security import safe_join

from ..auth.forms import ActionForm
from ..extensions import db
from . import services
from .catalog import get_catalog

bp = Blueprint("courses", __name__)
ASSET_MAX_AGE = 3600


def commit_progress(first_visit: bool) -> None:
    """Commit a visit. Most visits change nothing (see VISIT_WRITE_INTERVAL): then there is
    nothing to commit, and not committing keeps the loaded rows fresh for the template.
    A first visit's row is already flushed (in a savepoint), so it is not `new` any more."""
    if first_visit or db.session.new or db.session.dirty:
        db.session.commit()


@bp.route("/")
@login_required
def home():
    courses = services.visible_courses(current_user)
    progress = services.progress_by_course(current_user, courses)
    started = [c for c in courses if progress[c.id].completed]
    return render_template("courses/home.html", courses=courses, progress=progress, started=started)


@bp.route("/courses/<course_slug>")
@login_required
def course(course_slug: str):
    view = services.load_course_view(current_user, course_slug)
    if view is None:
        abort(404)
    return render_template("courses/course.html", view=view,
                           description=services.render_course_description(view.course))


@bp.route("/courses/<course_slug>/<unit_slug>")
@login_required
def unit(course_slug: str, unit_slug: str):
    view = services.load_unit_view(current_user, course_slug, unit_slug)
    if view is None:
        abort(404)
    existing = view.progress.get(view.unit.id)
    view.progress[view.unit.id] = services.record_view(current_user, view.unit, existing)
    commit_progress(first_visit=existing is None)
    return render_template("courses/unit.html", view=view)


@bp.route("/courses/<course_slug>/<unit_slug>/complete", methods=["POST"])
@login_required
def complete(course_slug: str, unit_slug: str):
    view = services.load_unit_view(current_user, course_slug, unit_slug)
    if view is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    existing = view.progress.get(view.unit.id)
    try:
        services.mark_complete(current_user, view.unit, existing)
    except services.CompletionRuleError as error:
        flash(error.message, "error")
    else:
        commit_progress(first_visit=existing is None)
        flash(_("Unit marked as complete."), "info")
    return redirect(url_for("courses.unit", course_slug=course_slug, unit_slug=unit_slug))


@bp.route("/courses/<course_slug>/assets/<path:filename>")
@login_required
def asset(course_slug: str, filename: str):
    if services.get_course(course_slug, current_user) is None:
        abort(404)
    folder = get_catalog().root / course_slug / "assets"
    path = safe_join(str(folder), filename)
    if path is None:
        abort(404)
    if not Path(path).is_file():
        abort(404)
    response = send_file(path, max_age=ASSET_MAX_AGE, conditional=True)
    # An SVG opened on its own must not run anything.
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    response.cache_control.public = False
    response.cache_control.private = True
    return response
