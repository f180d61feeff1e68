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

from flask import render_template
from flask_login import current_user
from sqlalchemy import and_, func, or_, select

from ...core.permissions import allowed
from ...extensions import db
from ..forms import NewThreadForm
from ..models import Thread, ThreadUser
from ..places import Place
from ..queries import thread_list
from . import services

PANEL_SIZE = 5


def _may_read(place: Place) -> bool:
    return allowed(current_user, "discussion.read", place)


def unit_page_panel(view, locked: bool = False, **_context) -> str:
    place = Place(course_id=view.course.id, unit_id=view.unit.id)
    if not _may_read(place):
        return ""
    rows = thread_list(current_user, place, limit=PANEL_SIZE).items
    form = None
    if not locked and allowed(current_user, "discussion.post", place):
        form = NewThreadForm(formdata=None)
    return render_template("discussions/panel_unit.html", rows=rows, form=form, course=view.course,
                           unit=view.unit)


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
