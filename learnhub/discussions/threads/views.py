"""The discussion pages that read: the thread lists of a course, a unit and a class, the
thread page (keyset-paged by post number, opening at the reader's first unread post), a
post's edit history, and the link to one post. The forms that write are in `actions`."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from ...core.errors import DomainError
from ...core.pagination import next_page_url, page_request
from ...core.permissions import allowed
from ...extensions import db
from ..forms import ReplyForm
from ..loaders import class_place, course_place, load_post, read_thread_for
from ..models import Post, PostRevision, ThreadUser
from ..places import place_of
from ..policies import read_only
from ..queries import PAGE_SIZE, first_unread_number, post_number, post_rows, thread_list
from ..reading.boxes import PostBoxes
from ..reading.services import mark_read
from .presenters import place_view, post_actions, reply_fields, unit_titles

bp = Blueprint("discussions", __name__)


def _list_page(place):
    moderator = allowed(current_user, "discussion.moderate", place)
    page = thread_list(current_user, place, include_hidden=moderator, **page_request("after", PAGE_SIZE))
    page.next_url = next_page_url(page.next)
    return render_template("discussions/list.html", view=place_view(place), page=page, rows=page.items,
                           units=unit_titles(place), moderator=moderator,
                           may_post=allowed(current_user, "discussion.post", place) and not read_only(place))


@bp.route("/courses/<course_slug>/threads")
@login_required
def course_threads(course_slug: str):
    """A course's threads (all of them), or with ?unit=<slug> one unit's."""
    return _list_page(course_place(course_slug, request.args.get("unit") or None))


@bp.route("/classes/<int:class_id>/threads")
@login_required
def class_threads(class_id: int):
    return _list_page(class_place(class_id))


def _number_arg(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    number = post_number(raw)
    if number is None:
        raise DomainError(400, "invalid_field", _l("'%(name)s' must be a post number.", name=name))
    return number


def _window(thread, thread_user):
    """(after, before, first_unread) of the posts to show: ?after= / ?before= as asked; else
    for a returning reader the page starting at their first unread post (all read: the last
    page), for a first-time reader the first page."""
    after, before = _number_arg("after"), _number_arg("before")
    first_unread = None
    if thread_user is not None and thread_user.last_read_number < thread.highest_number:
        first_unread = thread_user.last_read_number + 1
    if after is None and before is None:
        if thread_user is not None and first_unread is None:
            before = thread.highest_number + 1  # all read: the last page, the newest at the end
        else:
            after = first_unread_number(thread, thread_user) - 1
    return after or 0, before, first_unread


_NOT_LOADED = object()  # thread_page: the caller did not load the reader's ThreadUser


@bp.route("/threads/<int:thread_id>")
@login_required
def thread(thread_id: int):
    thread, thread_user = read_thread_for(current_user, thread_id)
    return thread_page(thread, ReplyForm(), thread_user=thread_user)


def thread_page(thread, form: ReplyForm, status: int = 200, *, thread_user=_NOT_LOADED):
    """The thread page (also after a reply the form refused, with its errors). `thread`: a
    ThreadHead or a Thread; `thread_user`: the reader's place when the caller read it with the
    thread (None: never opened)."""
    viewer = current_user._get_current_object()  # once: each use of the proxy is a lookup
    view = place_view(place_of(thread))
    moderator = allowed(viewer, "discussion.moderate", thread)
    if thread_user is _NOT_LOADED:
        thread_user = db.session.get(ThreadUser, (viewer.id, thread.id))
    after, before, first_unread = _window(thread, thread_user)
    rows = post_rows(thread, after=after, before=before, limit=PAGE_SIZE)
    first, last = (rows[0].number, rows[-1].number) if rows else (after + 1, after)
    shown = rows[-1].number if rows else 0  # what the reader has seen (not an ?after= past the end)
    quoted = _quoted_post(thread, form)
    html = render_template(
        "discussions/thread.html", thread=thread, view=view, rows=rows,
        actions={row.id: post_actions(viewer, row, thread, moderator) for row in rows},
        box=PostBoxes(viewer, thread, moderator, first=first, last=last),
        moderator=moderator, thread_user=thread_user, first_unread=first_unread,
        first=first, last_number=last, form=form, reply_fields=reply_fields, quoted=quoted,
        may_reply=_may_reply(thread), units=unit_titles(place_of(thread)),
        earlier_url=url_for(".thread", thread_id=thread.id, before=first) if first > 1 else None,
        later_url=(url_for(".thread", thread_id=thread.id, after=last)
                   if last < thread.highest_number else None))
    _record_reading(thread, thread_user, shown)
    return html, status


def _may_reply(thread) -> bool:
    return (not thread.locked and not thread.hidden and not read_only(thread)
            and allowed(current_user, "discussion.post", thread))


def _quoted_post(thread, form: ReplyForm):
    """The post ?quote=<id> names, when it is a visible post of this thread (the reply form
    carries its id; the service checks it again)."""
    if not form.is_submitted():
        raw = request.args.get("quote", "")
        form.quote.data = post_number(raw)
    if not form.quote.data or post_number(str(form.quote.data)) is None:  # a refused form's value too
        form.quote.data = None
        return None
    post = db.session.get(Post, form.quote.data)
    if post is None or post.thread_id != thread.id or post.deleted_at is not None or post.hidden:
        form.quote.data = None
        return None
    return post


def _record_reading(thread, thread_user, last: int) -> None:
    """The reader has seen the posts up to `last` (reading's mark_read never lowers it). A
    page that shows nothing new writes nothing: reading an old thread again is a pure read."""
    if last >= 1 and (thread_user is None or thread_user.last_read_number < last):
        mark_read(current_user, thread, last)
        db.session.commit()


@bp.route("/posts/<int:post_id>")
@login_required
def goto_post(post_id: int):
    """A post's link (notifications, quotes): the thread page at that post."""
    post, thread = load_post(post_id)
    return redirect(url_for(".thread", thread_id=thread.id, after=post.number - 1, _anchor=f"post-{post.number}"))


@bp.route("/posts/<int:post_id>/history")
@login_required
def post_history(post_id: int):
    """The texts a post had before its edits (moderators of its thread only)."""
    post, thread = load_post(post_id, "discussion.moderate")
    revisions = db.session.scalars(select(PostRevision).where(PostRevision.post_id == post.id)
                                   .order_by(PostRevision.number)).all()
    return render_template("discussions/history.html", post=post, thread=thread, revisions=revisions,
                           view=place_view(place_of(thread)))
