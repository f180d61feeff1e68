"""Copying a class for the next term (staff of the class who may create classes). A route
on the classes blueprint (views.bp)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..core.forms import saved
from ..core.permissions import allowed
from . import copying
from .forms import CopyClassForm
from .loaders import load_class
from .roster.services import one_year_after
from .views import bp


@bp.route("/classes/<int:class_id>/copy", methods=["GET", "POST"])
@login_required
def copy(class_id: int):
    source = load_class(class_id, "class.staff")
    if not allowed(current_user, "class.create"):
        abort(403)
    form = CopyClassForm()
    if not form.is_submitted():  # a suggestion: the same class a year later
        form.name.data = source.name
        form.starts_on.data, form.ends_on.data = one_year_after(source.starts_on), one_year_after(source.ends_on)
    if form.validate_on_submit():
        copied = saved(form, lambda: copying.copy_class(
            current_user, source, form.name.data, form.code.data, form.starts_on.data, form.ends_on.data))
        if copied:
            result = copied.value
            flash(_("%(name)s was created from %(source)s: %(exams)d exams and %(sessions)d sessions "
                    "moved to the new term. You are its head teacher.", name=result.school_class.name,
                    source=source.name, exams=result.exams, sessions=result.sessions), "info")
            if result.skipped_exams:
                flash(_("Not copied (the quiz is no longer in the class's courses, or the moved dates "
                        "are out of range): %(titles)s.", titles=", ".join(result.skipped_exams)), "warning")
            return redirect(url_for("classes.overview", class_id=result.school_class.id))
    return render_template("classes/copy.html", school_class=source, form=form)
