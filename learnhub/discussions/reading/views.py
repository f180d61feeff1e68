"""The live poll of an open thread and the lists' "mark all read" buttons (blueprint "reading").

The poll is a conditional GET: its ETag is the thread's version (bumped by every change to the
thread or its posts) with the viewer and their language, so an unchanged thread costs the
thread's row (the loader's one query, with the permission check) and a 304: no post query, no
rendering. A sync worker is held for one short request per open tab every LIVE_POLL_SECONDS.
The ETag leaves `after` out on purpose: the client moves `after` to the `last` of the answer
that carried the ETag, so "same version" means "nothing after your last post".
"""
from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, flash, jsonify, redirect, request, url_for
from flask_babel import get_locale, lazy_gettext as _l, ngettext
from flask_login import current_user, login_required

from ...auth.forms import ActionForm
from ...core.errors import DomainError
from ...core.permissions import allowed
from ...extensions import db
from ..loaders import class_place, course_place, read_thread
from ..queries import post_number, post_rows
from . import services
from .boxes import PostBoxes

bp = Blueprint("reading", __name__)

LIVE_BATCH = 50  # new posts per answer; with more, `more` is true and the client asks again at once


def number_arg(name: str) -> int:
    """A post number from the query string (0 when left out); anything else is a 400."""
    raw = request.args.get(name, "")
    if raw == "":
        return 0
    number = post_number(raw)
    if number is None:
        raise DomainError(400, "invalid_field", _l("'%(name)s' must be a post number.", name=name))
    return number


def live_etag(thread, user) -> str:
    key = f"{thread.id}|{thread.version}|{user.id}|{get_locale()}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _conditional(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    return response


@bp.get("/threads/<int:thread_id>/live")
@login_required
def live(thread_id: int):
    """New posts after `?after=` as HTML (the thread page's post boxes), or 304 when the thread
    has not changed since the ETag the client sends."""
    after = number_arg("after")
    thread = read_thread(thread_id)  # one statement, a class thread's class with it
    etag = live_etag(thread, current_user)
    if request.if_none_match.contains(etag):
        return _conditional(Response(status=304), etag)
    rows = post_rows(thread, after=after, limit=LIVE_BATCH)
    moderator = allowed(current_user, "discussion.moderate", thread)
    html = str(PostBoxes(current_user, thread, moderator).render_all(rows))  # the thread page's boxes
    last = rows[-1].number if rows else after
    return _conditional(jsonify(html=html, last=last, version=thread.version,
                                more=len(rows) == LIVE_BATCH and last < thread.highest_number), etag)


def _mark_all(place, back: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    count = services.mark_all_read(
        current_user, place, include_hidden=allowed(current_user, "discussion.moderate", place))
    db.session.commit()
    flash(ngettext("%(num)d thread marked read.", "%(num)d threads marked read.", count), "info")
    return redirect(back)


@bp.post("/courses/<course_slug>/threads/read")
@login_required
def mark_course_read(course_slug: str):
    unit = request.args.get("unit") or None
    place = course_place(course_slug, unit)
    return _mark_all(place, url_for("discussions.course_threads", course_slug=course_slug, unit=unit))


@bp.post("/classes/<int:class_id>/threads/read")
@login_required
def mark_class_read(class_id: int):
    place = class_place(class_id)
    return _mark_all(place, url_for("discussions.class_threads", class_id=class_id))

