"""Pages for one member at a time (head teacher): add a person without a file, reset a
member's password. Routes on the classes blueprint (views.bp)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...auth.services import get_user_by_username
from ...core.forms import saved
from ...extensions import db
from .. import services
from ..loaders import load_class
from ..views import bp
from . import members
from .forms import AddMemberForm, ResetPasswordForm

NO_STORE = {"Cache-Control": "no-store"}  # one-time passwords: shown once, never cached


def password_page(school_class, user, password: str, *, reset: bool):
    """The one-time password as one slip, in this response only."""
    return render_template("classes/member_password.html", school_class=school_class, user=user,
                           password=password, reset=reset,
                           login_url=url_for("auth.login", _external=True)), 200, NO_STORE


@bp.route("/classes/<int:class_id>/roster/add", methods=["GET", "POST"])
@login_required
def add_member(class_id: int):
    school_class = load_class(class_id, "class.manage")
    form = AddMemberForm()
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in members.MEMBER_FIELDS}
        added = saved(form, lambda: members.add_member(current_user, school_class, values))
        if added and added.value.password:
            return password_page(school_class, added.value.user, added.value.password, reset=False)
        if added:
            flash(_("%(name)s (an existing account) joined the class.", name=added.value.user.display_name), "info")
            return redirect(url_for("roster.member", class_id=class_id, username=added.value.user.username))
    return render_template("classes/member_add.html", school_class=school_class, form=form)


@bp.route("/classes/<int:class_id>/members/<username>/password", methods=["POST"])
@login_required
def reset_member_password(class_id: int, username: str):
    school_class = load_class(class_id, "class.manage")
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        abort(400)
    user = get_user_by_username(username)
    if user is None or services.class_role(user.id, school_class.id) is None:
        abort(404)
    # A refusal (a staff account: 403) is the error page; nothing was written before it.
    password = members.reset_member_password(current_user, school_class, user)
    db.session.commit()
    return password_page(school_class, user, password, reset=True)
