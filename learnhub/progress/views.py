"""The progress parts of the course and unit pages (panels), and the member's button."""
from __future__ import annotations

from typing import NamedTuple

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import format_date, gettext as _
from flask_login import current_user, login_required

from ..auth.forms import ActionForm
from ..core.kept import render_kept
from ..courses.loaders import load_unit_view
from ..extensions import db
from . import completion
from .prerequisites import unit_lock
from .services import member_course_progress, page_state

bp = Blueprint("progress", __name__)


# ---- panels (see core.panels; registered in init_app) -----------------------------------------

def course_progress_panel(view, **_context) -> str:
    """The course page: progress bar, study time, Start / Resume / Review, course complete."""
    state = page_state(current_user, view)
    completed_on = format_date(state.progress.completed_on) if state.progress.completed_on else ""
    return render_template("progress/_course_progress.html", view=view, state=state,
                           completed_on=completed_on)


def unit_list_item_panel(view, unit, **_context) -> str:
    """Beside each unit of the course page's list: locked, and what it needs."""
    lock = page_state(current_user, view).locks.get(unit.id)
    return render_template("progress/_unit_locked_badge.html", lock=lock) if lock else ""


class Bar(NamedTuple):
    """What the progress bar shows (a kept panel is keyed on it)."""
    percent: int
    completed: int
    total: int


class UnitRule(NamedTuple):
    slug: str
    completion: str
    quiz_slug: str | None


# The unit page's two panels are kept renders (core.kept): the same for every member with the
# same figures, so most pages serve them from memory.

def unit_progress_panel(view, **_context) -> str:
    """The unit page: the course's progress bar (updated by the heartbeat)."""
    progress = member_course_progress(current_user, view)
    return render_kept("progress/_unit_progress.html",
                       progress=Bar(progress.percent, progress.completed, progress.total))


def unit_completion_panel(view, **_context) -> str:
    """The unit page after the content: the tick, the button or the quiz link, the heartbeat."""
    unit = view.unit
    return render_kept("progress/_unit_completion.html", course_slug=view.course.slug,
                       unit=UnitRule(unit.slug, unit.completion, unit.quiz_slug), completed=view.completed(unit))


# ---- mark as complete, and undo ---------------------------------------------------------------

def _posted_unit_view(course_slug: str, unit_slug: str):
    view = load_unit_view(course_slug, unit_slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    return view


def _back(view):
    return redirect(url_for("courses.unit", course_slug=view.course.slug, unit_slug=view.unit.slug))


@bp.route("/courses/<course_slug>/<unit_slug>/complete", methods=["POST"])
@login_required
def complete(course_slug: str, unit_slug: str):
    view = _posted_unit_view(course_slug, unit_slug)
    lock = unit_lock(current_user, view.unit, view.course, view.progress)
    if lock:
        flash(lock.message, "error")
        return _back(view)
    try:
        completion.mark_complete(current_user, view.unit, view.progress.get(view.unit.id))
    except completion.CompletionRuleError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Unit marked as complete."), "info")
    return _back(view)


@bp.route("/courses/<course_slug>/<unit_slug>/uncomplete", methods=["POST"])
@login_required
def uncomplete(course_slug: str, unit_slug: str):
    view = _posted_unit_view(course_slug, unit_slug)
    try:
        completion.undo_complete(current_user, view.unit, view.progress.get(view.unit.id))
    except completion.CompletionRuleError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The unit is no longer marked as complete."), "info")
    return _back(view)
