"""The results page of a class exam (class staff), its CSV/XLSX downloads, and the head
teacher's release button."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...classes.exams.loaders import load_exam
from ...classes.exams.services import class_exams
from ...core.forms import saved
from ...core.permissions import allowed
from ...core.types import utcnow
from . import presenters, services
from .forms import ReleaseForm

bp = Blueprint("grading_results", __name__)


def _exam_item(school_class, exam):
    return next(i for i in class_exams(school_class) if i.exam.id == exam.id)


def _render(school_class, exam, form=None, status=200):
    now = utcnow()
    which = request.args.get("filter", "all")
    if which not in services.FILTERS:
        which = "all"
    rows = services.exam_results(school_class, exam, now)
    counts = {key: len(services.filter_rows(rows, key)) for key in services.FILTERS}
    can_release = allowed(current_user, "class.manage", school_class)
    return render_template(
        "grading/results/results.html", school_class=school_class, exam=exam,
        item=_exam_item(school_class, exam), rows=services.filter_rows(rows, which), which=which,
        counts=counts, status_labels=presenters.status_labels(), filter_labels=presenters.filter_labels(),
        duration=presenters.duration, released=services.exam_released(exam, now),
        pending=counts["needs_grading"] > 0 or services.grading_pending(exam),
        form=(form or ReleaseForm()) if can_release else None), status


@bp.route("/classes/<int:class_id>/exams/<int:exam_id>/results")
@login_required
def results(class_id: int, exam_id: int):
    exam, school_class = load_exam(class_id, exam_id, "class.staff")
    return _render(school_class, exam)


@bp.route("/classes/<int:class_id>/exams/<int:exam_id>/results.<kind>")
@login_required
def export(class_id: int, exam_id: int, kind: str):
    if kind not in ("csv", "xlsx"):
        abort(404)
    exam, school_class = load_exam(class_id, exam_id, "class.staff")
    return presenters.export_response(school_class, exam, kind)


@bp.route("/classes/<int:class_id>/exams/<int:exam_id>/results/release", methods=["POST"])
@login_required
def release(class_id: int, exam_id: int):
    exam, school_class = load_exam(class_id, exam_id, "class.manage")
    form = ReleaseForm()
    if not form.validate_on_submit():
        abort(400)
    done = saved(form, lambda: services.release_results(current_user, school_class, exam, utcnow(),
                                                        force=form.force.data))
    if done is None:
        return _render(school_class, exam, form, 409)
    flash(_("The results are released.") if done.value else _("The results were already released."), "info")
    return redirect(url_for("grading_results.results", class_id=class_id, exam_id=exam_id))
