"""Home, course and unit pages, and the course assets."""
from __future__ import annotations

from pathlib import Path

from babel import Locale
from flask import Blueprint, abort, render_template, send_file
from flask_babel import get_locale
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.security import safe_join

from ..extensions import db
from . import services
from .catalog import get_catalog
from .loaders import load_course_view, load_unit_view

bp = Blueprint("courses", __name__)
ASSET_MAX_AGE = 3600
# A course's `lang:` as an HTML lang attribute (the page's own uses the same forms).
HTML_LANG = {"zh": "zh-CN", "en": "en"}


def reader_language() -> str:
    """The member's language: their setting, else the browser's (Flask-Babel's choice)."""
    locale = get_locale()
    return locale.language if locale else "en"


def course_lang(course) -> Markup:
    """` lang="en"` for an element holding the course's own words (its title, summary, text)
    when it declares a language, so a screen reader reads them in it; else nothing. A Jinja
    global: the page's labels stay in the page's language."""
    code = HTML_LANG.get(services.course_language(course))
    return Markup(' lang="%s"') % code if code else Markup("")


def language_name(code: str) -> str:
    """A course language named in the page's language: "Chinese" / "中文"."""
    return Locale.parse(code).get_display_name(get_locale() or "en")


def visit(user, view: services.UnitView) -> None:
    """Note the visit and commit it when something was written. Most visits write nothing
    (see VISIT_WRITE_INTERVAL): then `record_view` hands back the mark it was given and
    nothing is committed."""
    existing = view.progress.get(view.unit.id)
    mark = services.record_view(user, view.unit, existing)
    view.progress[view.unit.id] = mark
    if mark is not existing:
        db.session.commit()  # the page shows plain rows (marks, the index): nothing reloads after it


@bp.route("/")
@login_required
def home():
    courses = services.visible_courses(current_user)
    progress = services.progress_by_course(current_user, courses)
    started = [c for c in courses if progress[c.id].completed]
    catalog = services.catalog_by_language(courses, reader_language())
    return render_template("courses/home.html", catalog=catalog, progress=progress, started=started,
                           language_name=language_name)


@bp.route("/courses/<course_slug>")
@login_required
def course(course_slug: str):
    view = load_course_view(course_slug)
    return render_template("courses/course.html", view=view,
                           description=services.render_course_description(view.course))


@bp.route("/courses/<course_slug>/<unit_slug>")
@login_required
def unit(course_slug: str, unit_slug: str):
    view = load_unit_view(course_slug, unit_slug)
    lock = services.unit_lock_notice(current_user, view)
    if lock:  # prerequisites missing: say what is needed instead of the content; no visit
        return render_template("courses/unit.html", view=view, lock=lock)
    visit(current_user, view)
    return render_template("courses/unit.html", view=view, lock=None)


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
