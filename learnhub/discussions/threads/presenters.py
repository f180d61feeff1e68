"""What the thread pages show around their rows: where a place is (its name, breadcrumb,
list and "new thread" links) and the flags of each post's actions. No query beyond the
identity map (the class) and the content index (courses and units)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from flask import current_app, url_for
from flask_babel import get_locale, lazy_gettext as _l
from markupsafe import Markup

from ..forms import ReplyForm
from ..places import Place, class_of, content_index, course_entry, unit_entry
from ..posting.services import may_accept, may_delete, may_edit


@dataclass(frozen=True)
class PlaceView:
    """A course, a unit of it or a class, as the pages name and link it."""
    place: Place
    title: str  # "Discussions: <course>" etc.
    crumbs: list = field(default_factory=list)  # [(label, url)], the last one is this place
    list_url: str = ""
    new_url: str = ""
    unit_url: str | None = None  # a unit's list links back to the unit
    course_slug: str | None = None
    unit_slug: str | None = None


def place_view(place: Place) -> PlaceView:
    if place.class_id is not None:
        school_class = class_of(place)  # the one the rules asked for (no second load)
        list_url = url_for("discussions.class_threads", class_id=place.class_id)
        return PlaceView(place, school_class.name,
                         [(school_class.name, url_for("classes.overview", class_id=place.class_id)),
                          (_l("Discussions"), list_url)],
                         list_url, url_for("discussions.new_class_thread", class_id=place.class_id))
    course = course_entry(place.course_id)
    unit = unit_entry(place.course_id, place.unit_id)
    course_url = url_for("courses.course", course_slug=course.slug)
    crumbs = [(course.title, course_url),
              (_l("Discussions"), url_for("discussions.course_threads", course_slug=course.slug))]
    if unit is None:
        return PlaceView(place, course.title, crumbs, crumbs[-1][1],
                         url_for("discussions.new_course_thread", course_slug=course.slug), course_slug=course.slug)
    list_url = url_for("discussions.course_threads", course_slug=course.slug, unit=unit.slug)
    return PlaceView(place, unit.title, [*crumbs, (unit.title, list_url)], list_url,
                     url_for("discussions.new_course_thread", course_slug=course.slug, unit=unit.slug),
                     unit_url=url_for("courses.unit", course_slug=course.slug, unit_slug=unit.slug),
                     course_slug=course.slug, unit_slug=unit.slug)


def unit_titles(place: Place) -> dict[int, str]:
    """Unit id -> title, to name each thread's unit on a whole course's list."""
    if place.course_id is None or place.unit_id is not None:
        return {}
    return {u.id: u.title for u in content_index().units.get(place.course_id, [])}


class PostActions(NamedTuple):
    """Which buttons a post shows the viewer (a tuple: part of a kept box's key)."""
    quote: bool
    edit: bool
    delete: bool
    accept: bool
    unaccept: bool
    history: bool


def post_actions(viewer, row, thread, moderator: bool) -> PostActions:
    """The buttons of one post (a PostRow: posting's rules read it as they read a Post, told
    that the viewer moderates the thread or not: asked once per page, not per post and rule)."""
    shown = not row.deleted and (not row.hidden or moderator)
    accept = may_accept(viewer, row, thread, moderates=moderator)
    return PostActions(quote=shown and not row.hidden and not thread.locked and not thread.hidden,
                       edit=may_edit(viewer, row, thread, moderates=moderator),
                       delete=may_delete(viewer, row, thread, moderates=moderator),
                       accept=accept and not row.accepted, unaccept=accept and row.accepted,
                       history=moderator and row.edited_at is not None)


def reply_fields(form: ReplyForm) -> Markup:
    """The reply form's text box and button (templates/discussions/_reply_fields.html). A blank
    form's (no text, no error: the page as it opens) are the same for every reader in a
    language, so they are rendered once per language and kept: WTForms' widgets cost more than
    a page of post boxes. A refused form (its text, its errors) is rendered as it is."""
    module = current_app.jinja_env.get_template("discussions/_reply_fields.html").module
    if form.body.data or form.errors:
        return module.reply_fields(form)
    return _blank_reply_fields(str(get_locale()), module)


@lru_cache(maxsize=16)
def _blank_reply_fields(_locale: str, module) -> Markup:
    """`module`: the template's, a new one when the template changed (development)."""
    return module.reply_fields(ReplyForm(formdata=None, meta={"csrf": False}))
