"""The gradebook page (class staff), its CSV/XLSX export and its panel on the class page."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from ...classes.loaders import load_class
from ...core.permissions import allowed
from .services import class_gradebook
from .tables import SORTS, export_response, sorted_rows

bp = Blueprint("gradebook", __name__)


def duration(seconds: int | None) -> str:
    """A time taken in words ("12 min 05 s", "1 h 02 min": never read as a clock time);
    empty for None."""
    if seconds is None:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _("%(hours)d h %(minutes)02d min", hours=hours, minutes=minutes)
    return _("%(minutes)d min %(seconds)02d s", minutes=minutes, seconds=secs)


@bp.route("/classes/<int:class_id>/gradebook")
@login_required
def page(class_id: int):
    """Members x the class's exams and assignments, ranked (class staff)."""
    school_class = load_class(class_id, "class.staff")
    book = class_gradebook(school_class)
    sort = request.args.get("sort", "rank")
    sort = sort if sort in SORTS else "rank"
    return render_template("grading/gradebook/page.html", school_class=school_class, book=book,
                           rows=sorted_rows(book, sort), sort=sort, duration=duration)


@bp.route("/classes/<int:class_id>/gradebook.<any(csv, xlsx):kind>")
@login_required
def export(class_id: int, kind: str):
    """The gradebook as a file: every member, ranked order (学号 column, the caller's language)."""
    school_class = load_class(class_id, "class.staff")
    return export_response(class_gradebook(school_class), kind)


def class_page_panel(school_class, role=None, **_context):
    """On the class overview: the way to the gradebook for the class's staff."""
    if not allowed(current_user, "class.staff", school_class):
        return None
    return Markup(render_template("grading/gradebook/panel.html", school_class=school_class))
