"""Discussions where members already are (page slots filled in reading's init_app):
- `unit_page`: the unit's latest threads and an "ask a question about this unit" box (not on
  a locked unit: its content is not shown, so neither is a question form);
- `class_page`: the class's latest threads with unread markers, and a link to all;
- `home_page`: threads the member follows (or posted in) with replies they have not read;
- `class_dashboard`: for the class's staff, the number of unanswered questions (services'
  docstring defines "unanswered"), linking to the class's threads;
- `course_page`: a link to the course's discussions with its thread and unread counts.
Each panel is one or two light queries (thread_list's, or a count) and nothing for a reader
who may not read the place.
"""
from __future__ import annotations

from functools import lru_cache
from uuid import uuid4

from flask import current_app, render_template
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import and_, bindparam, exists, false, func, or_, select, true

from ...auth.models import User
from ...core.kept import render_kept
from ...core.permissions import allowed
from ...extensions import db
from ..forms import NewThreadForm, fresh_key
from ..models import Post, Thread, ThreadUser
from ..places import Place
from ..queries import ThreadRow, thread_list
from . import services

PANEL_SIZE = 5
CLIENT_KEY_MARK = f"client-key-{uuid4().hex}"  # stands for the ask box's fresh key in a kept panel


def _may_read(place: Place) -> bool:
    return allowed(current_user, "discussion.read", place)


@lru_cache(maxsize=1)
def _unit_threads_statement():
    """Built once (every unit page runs it): thread_list's rows for a unit place, first page
    only, in Core columns (no cursor, no ORM entities)."""
    threads, reads, posts = Thread.__table__, ThreadUser.__table__, Post.__table__
    author = User.__table__.alias("author")
    answered = exists().where(posts.c.thread_id == threads.c.id, posts.c.accepted == true())
    return (select(threads.c.id, threads.c.title, threads.c.kind, threads.c.pinned, threads.c.locked,
                   threads.c.hidden, author.c.username.label("author_username"),
                   author.c.display_name.label("author_name"), threads.c.replies_count,
                   threads.c.highest_number, threads.c.last_posted_at, reads.c.last_read_number,
                   answered.label("answered"), threads.c.unit_id, threads.c.course_id, threads.c.class_id)
            .select_from(threads.outerjoin(author, author.c.id == threads.c.author_id)
                         .outerjoin(reads, and_(reads.c.thread_id == threads.c.id,
                                                reads.c.user_id == bindparam("viewer_id"))))
            .where(threads.c.course_id == bindparam("course_id"), threads.c.unit_id == bindparam("unit_id"),
                   threads.c.hidden == false())
            .order_by(threads.c.pinned.desc(), threads.c.last_posted_at.desc(), threads.c.id.desc())
            .limit(bindparam("limit")))


def unit_threads(viewer, course_id: int, unit_id: int, limit: int = PANEL_SIZE) -> list[ThreadRow]:
    """The unit's latest threads as thread_list orders them (pinned first, then by activity),
    hidden ones left out, with the viewer's unread state: one statement."""
    rows = db.session.connection().execute(_unit_threads_statement(), {
        "viewer_id": getattr(viewer, "id", None), "course_id": course_id, "unit_id": unit_id, "limit": limit})
    return [ThreadRow(**{**row._asdict(), "answered": bool(row.answered)}) for row in rows]


def unit_page_panel(view, locked: bool = False, **_context) -> str:
    place = Place(course_id=view.course.id, unit_id=view.unit.id)
    if not _may_read(place):
        return ""
    rows = tuple(unit_threads(current_user, view.course.id, view.unit.id))
    ask = not locked and allowed(current_user, "discussion.post", place)
    # Kept per rows and language (core.kept); the ask box's idempotency key is each page's own.
    return render_kept("discussions/panel_unit.html", fill={CLIENT_KEY_MARK: fresh_key()} if ask else None,
                       rows=rows, course_slug=view.course.slug, unit_slug=view.unit.slug,
                       ask_fields=ask_fields() if ask else None, client_key=CLIENT_KEY_MARK if ask else None)


ASK_FIELDS_KEY = "learnhub_discussions_ask_fields"


def ask_fields() -> Markup:
    """The ask box's title and body fields as an empty NewThreadForm renders them (labels, the
    hint, the length limits): the same for every reader of a language, so rendered once per
    language in each process instead of building the form on every unit page."""
    cache = current_app.extensions.setdefault(ASK_FIELDS_KEY, {})
    language = str(get_locale())
    if language not in cache:
        cache[language] = Markup(render_template("discussions/_ask_fields.html",
                                                 form=NewThreadForm(formdata=None)))
    return cache[language]


def class_page_panel(school_class, role=None, **_context) -> str:
    place = Place(class_id=school_class.id)
    if not _may_read(place):
        return ""
    rows = thread_list(current_user, place, limit=PANEL_SIZE).items
    return render_template("discussions/panel_class.html", rows=rows, school_class=school_class,
                           may_post=allowed(current_user, "discussion.post", place) and not school_class.read_only)


def home_page_panel(user=None, **_context) -> str:
    if not getattr(current_user, "is_authenticated", False):
        return ""
    rows = services.unread_threads(current_user, PANEL_SIZE)
    return render_template("discussions/panel_home.html", rows=rows) if rows else ""


def class_dashboard_panel(school_class, **_context) -> str:
    place = Place(class_id=school_class.id)
    if not allowed(current_user, "discussion.moderate", place):
        return ""
    return render_template("discussions/panel_class_dashboard.html", school_class=school_class,
                           unanswered=services.unanswered_count(place))


def course_counts(user, course_id: int) -> tuple[int, int]:
    """(threads shown, of which unread for `user`) of a course: one statement."""
    unread = or_(ThreadUser.last_read_number.is_(None), Thread.highest_number > ThreadUser.last_read_number)
    row = db.session.execute(
        select(func.count(Thread.id), func.count(Thread.id).filter(unread))
        .outerjoin(ThreadUser, and_(ThreadUser.thread_id == Thread.id, ThreadUser.user_id == user.id))
        .where(Thread.course_id == course_id, Thread.hidden.is_(False))).one()
    return row[0] or 0, row[1] or 0


def course_page_panel(course, **_context) -> str:
    place = Place(course_id=course.id)
    if not _may_read(place):
        return ""
    total, unread = course_counts(current_user, course.id)
    return render_template("discussions/panel_course.html", course=course, total=total, unread=unread)


def register(app) -> None:
    from ...core.panels import register_panel

    register_panel(app, "unit_page", unit_page_panel)
    register_panel(app, "class_page", class_page_panel)
    register_panel(app, "home_page", home_page_panel)
    register_panel(app, "class_dashboard", class_dashboard_panel)
    register_panel(app, "course_page", course_page_panel)
