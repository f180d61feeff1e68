"""Completion pages: who qualifies (class staff), the rules (head teacher), confirming members;
the class page's link to them."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required
from markupsafe import Markup

from ...classes.loaders import load_class
from ...core.forms import saved
from ...core.permissions import allowed
from ...core.types import utcnow
from . import services as rules
from .forms import ConfirmForm, RulesForm

bp = Blueprint("completion", __name__)
LAST = ""  # the final exam choice "the exam closing last"


def confirm_form(completion, form=None) -> ConfirmForm:
    form = form if form is not None else ConfirmForm(prefix="pick")
    form.usernames.choices = [(r.username, r.display_name or r.username) for r in completion.rows]
    return form


def render_page(school_class, form=None, status=200):
    from ..certificates.services import class_certificates  # certificates builds on completion

    completion = rules.class_completion(school_class, utcnow())
    return render_template(
        "grading/completion/index.html", school_class=school_class, completion=completion,
        form=confirm_form(completion, form), certificates=class_certificates(school_class.id),
        can_manage=allowed(current_user, "class.manage", school_class),
        exam_titles=dict(rules.class_exam_choices(school_class))), status


@bp.route("/classes/<int:class_id>/completion")
@login_required
def index(class_id: int):
    return render_page(load_class(class_id, "class.staff"))


@bp.route("/classes/<int:class_id>/completion/confirm", methods=["POST"])
@login_required
def confirm(class_id: int):
    school_class = load_class(class_id, "class.manage")
    completion = rules.class_completion(school_class, utcnow())
    form = confirm_form(completion, ConfirmForm(prefix="pick"))
    if form.validate_on_submit():
        done = saved(form, lambda: rules.confirm(current_user, school_class, form.usernames.data, utcnow(),
                                                 form.reason.data or None))
        if done:
            flash(ngettext("%(num)d member confirmed.", "%(num)d members confirmed.", len(done.value)), "info")
            return redirect(url_for("completion.index", class_id=class_id))
    return render_page(school_class, form, 422)


def _rules_form(school_class, form=None) -> RulesForm:
    current = rules.class_rules(school_class)
    if form is None:
        form = RulesForm(data={name: getattr(current, name) for name in (*rules.WEIGHTS, *rules.PERCENTS,
                                                                          *rules.SWITCHES)}
                         | {"final_exam": str(current.final_exam_id or LAST)})
    form.final_exam.choices = [(LAST, _("The exam closing last"))] + [
        (str(exam_id), title) for exam_id, title in rules.class_exam_choices(school_class)]
    return form


@bp.route("/classes/<int:class_id>/completion/settings", methods=["GET", "POST"])
@login_required
def settings(class_id: int):
    school_class = load_class(class_id, "class.manage")
    submitted = request.method == "POST"
    form = _rules_form(school_class, RulesForm() if submitted else None)
    if submitted:
        if form.validate_on_submit():
            values = {name: getattr(form, name).data for name in (*rules.WEIGHTS, *rules.PERCENTS, *rules.SWITCHES)}
            values["final_exam_id"] = int(form.final_exam.data) if form.final_exam.data else None
            if saved(form, lambda: rules.update_rules(current_user, school_class, values)):
                flash(_("The completion rules were saved."), "info")
                return redirect(url_for("completion.settings", class_id=class_id))
        status = 422
    else:
        status = 200
    return render_template("grading/completion/settings.html", school_class=school_class, form=form), status


def class_page_panel(school_class, role=None, **_context):
    """On the class overview: the way to completion for staff; the member's certificate."""
    if allowed(current_user, "class.staff", school_class):
        return Markup(render_template("grading/completion/class_panel.html", school_class=school_class,
                                      can_manage=allowed(current_user, "class.manage", school_class)))
    return None
