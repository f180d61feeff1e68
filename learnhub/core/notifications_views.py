"""The notifications page and the header badge (its count; static/js/notifications.js polls
/api/v1/notifications?limit=1 with If-None-Match to keep it current)."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from . import notifications as service
from .pagination import page_for_view

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index():
    user = current_user._get_current_object()
    page = page_for_view(service.list_query(user), service.NEWEST_FIRST)
    return render_template("notifications/index.html", page=page)


@bp.post("/notifications/read")
@login_required
def read_all():
    service.mark_read(current_user._get_current_object())
    db.session.commit()
    flash(_("All notifications are marked read."), "success")
    return redirect(url_for("notifications.index"))


def badge_count() -> int | None:
    """The logged-in user's unread count for the header (one query per page, cached per
    request); None for anonymous visitors."""
    if not current_user.is_authenticated:
        return None
    if "notifications_unread" not in g:
        g.notifications_unread = service.unread_count(current_user)
    return g.notifications_unread


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.add_template_global(badge_count, "notifications_unread")
