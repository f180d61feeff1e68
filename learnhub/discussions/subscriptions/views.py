"""Follow and unfollow a thread (buttons of the thread page's `_thread_follow.html`)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...extensions import db
from ..loaders import load_thread
from . import services

bp = Blueprint("subscriptions", __name__)


@bp.post("/threads/<int:thread_id>/follow")
@login_required
def follow(thread_id: int):
    thread = load_thread(thread_id)
    services.follow(current_user, thread)
    db.session.commit()
    flash(_("You follow this thread: replies will be in your notifications."), "info")
    return redirect(url_for("discussions.thread", thread_id=thread.id))


@bp.post("/threads/<int:thread_id>/unfollow")
@login_required
def unfollow(thread_id: int):
    thread = load_thread(thread_id)
    services.unfollow(current_user, thread)
    db.session.commit()
    flash(_("You no longer follow this thread. Replying will not follow it again."), "info")
    return redirect(url_for("discussions.thread", thread_id=thread.id))
