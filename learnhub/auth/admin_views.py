"""The administrator's user management pages."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..core.forms import saved
from ..core.permissions import permission_required
from ..extensions import db
from . import services
from .forms import ActionForm, CreateUserForm, RoleForm
from .loaders import load_user
from .models import User

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 50


def _flash_outcome(form, action, done_message) -> None:
    """Run the change: committed, say so; refused, say why (on the page it redirects to)."""
    refusals = []
    if saved(form, action, refusals):
        flash(done_message(), "info")
    else:
        flash(refusals[0], "error")


@bp.route("/users")
@permission_required("admin.manage_users")
def users():
    page = max(request.args.get("page", 1, type=int), 1)
    query = request.args.get("q", "").strip().lower()
    statement = select(User).order_by(User.username)
    if query:
        statement = statement.where(User.username.contains(query, autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    # Past the end shows the last page; a huge ?page= must not overflow the OFFSET.
    page = min(page, max(1, -(-total // PAGE_SIZE)))
    rows = db.session.scalars(statement.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template("admin/users.html", users=rows, page=page, query=query,
                           has_next=page * PAGE_SIZE < total, total=total)


@bp.route("/users/new", methods=["GET", "POST"])
@permission_required("admin.manage_users")
def create_user():
    form = CreateUserForm()
    if form.validate_on_submit():
        password = form.password.data or services.generate_password()
        # Generated or typed, the admin knows it: the person chooses their own at first login.
        created = saved(form, lambda: services.create_user(form.username.data, password, form.role.data,
                                                           form.display_name.data, must_change=True),
                        form.username.errors)
        if created:
            # Shown once, in this response only (never stored in the session cookie).
            return render_template("admin/password_shown.html", user=created.value,
                                   password=None if form.password.data else password)
    return render_template("admin/create_user.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET"])
@permission_required("admin.manage_users")
def edit_user(user_id: int):
    user = load_user(user_id)
    return render_template("admin/edit_user.html", user=user,
                           role_form=RoleForm(role=user.role), action_form=ActionForm())


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@permission_required("admin.manage_users")
def change_role(user_id: int):
    user = load_user(user_id)
    form = RoleForm()
    if form.validate_on_submit():
        _flash_outcome(form, lambda: services.change_role(current_user, user, form.role.data),
                       lambda: _("Role changed."))
    else:
        flash(_("Choose a valid role."), "error")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@permission_required("admin.manage_users")
def toggle_active(user_id: int):
    user = load_user(user_id)
    form = ActionForm()
    if form.validate_on_submit():
        _flash_outcome(form, lambda: services.set_active(current_user, user, not user.active),
                       lambda: _("Account activated.") if user.active else _("Account deactivated."))
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@permission_required("admin.manage_users")
def reset_password(user_id: int):
    user = load_user(user_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    password = services.generate_password()
    services.set_password(user, password, must_change=True)
    db.session.commit()
    return render_template("admin/password_shown.html", user=user, password=password)
