"""Class pages: the list, creating and editing a class, its overview."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..auth.services import get_user_by_username
from ..core.forms import saved
from ..core.markdown import render_staff_markdown
from ..core.permissions import permission_required
from ..courses.services import visible_courses
from . import services
from .forms import ROLE_LABELS, STATUS_LABELS, ClassForm, StaffForm
from .loaders import load_class

bp = Blueprint("classes", __name__)


def _course_choices():
    """Published courses only: a draft is never assigned (services.resolve_courses refuses it)."""
    return [SelectChoice(c.slug, c.title) for c in visible_courses(current_user) if not c.draft]


@bp.app_context_processor
def _labels():
    return {"class_status_labels": STATUS_LABELS, "class_role_labels": ROLE_LABELS}


@bp.route("/classes")
@login_required
def index():
    return render_template("classes/index.html", rows=services.classes_for(current_user))


@bp.route("/classes/new", methods=["GET", "POST"])
@permission_required("class.create")
def create():
    form = ClassForm()
    form.courses.choices = _course_choices()
    if form.validate_on_submit():
        created = saved(form, lambda: services.create_class(
            current_user, form.name.data, form.code.data, form.starts_on.data, form.ends_on.data,
            form.description.data, form.courses.data, form.status.data))
        if created:
            school_class = created.value
            flash(_("Class %(name)s created. You are its head teacher.", name=school_class.name), "info")
            return redirect(url_for("classes.overview", class_id=school_class.id))
    return render_template("classes/edit.html", form=form, school_class=None)


@bp.route("/classes/<int:class_id>")
@login_required
def overview(class_id: int):
    school_class = load_class(class_id)
    return render_template(
        "classes/overview.html", school_class=school_class,
        role=services.caller_role(current_user, school_class),
        description=render_staff_markdown(school_class.description),
        courses=services.class_courses(school_class), staff=services.class_staff(school_class))


@bp.route("/classes/<int:class_id>/edit", methods=["GET", "POST"])
@login_required
def edit(class_id: int):
    school_class = load_class(class_id, "class.manage")
    form = ClassForm(obj=school_class)
    form.courses.choices = _course_choices()
    staff_form = StaffForm(prefix="staff")
    if not form.is_submitted():
        form.courses.data = [c.slug for c in services.class_courses(school_class)]
    if staff_form.add_staff.data and staff_form.validate_on_submit():
        def set_role():
            user = get_user_by_username(staff_form.username.data)
            if user is None:
                raise services.ClassError(_("No user named %(name)s.", name=staff_form.username.data))
            services.set_staff_role(current_user, school_class, user, staff_form.role.data or None)

        if saved(staff_form, set_role, staff_form.username.errors):
            flash(_("Class staff updated."), "info")
            return redirect(url_for("classes.edit", class_id=class_id))
    elif form.submit.data and form.validate_on_submit():
        if saved(form, lambda: services.update_class(
                current_user, school_class, form.name.data, form.code.data, form.starts_on.data,
                form.ends_on.data, form.description.data, form.status.data, form.courses.data)):
            flash(_("The class was saved."), "info")
            return redirect(url_for("classes.overview", class_id=class_id))
    return render_template("classes/edit.html", form=form, staff_form=staff_form,
                           school_class=school_class, staff=services.class_staff(school_class))
