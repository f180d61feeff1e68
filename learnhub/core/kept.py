"""Rendered fragments kept by what they show: the parts of a page that are the same for every
reader with the same values (a progress bar at 40 %, the header of a member with 3 unread
notifications, a unit's discussion panel with the same rows) are rendered once per process
and served from memory after that.

`render_kept(template, **context)` keys a fragment on its template (a new one after an edit),
the request's language, time zone and script root, and its context's values, which must be
hashable and must be all the template reads besides the app's fixed globals (url_for, _(),
config): so a kept fragment is right for every reader with that key and nothing needs
invalidating. The CSRF token, the one part that is the reader's own, is rendered as a marker
and put in afterwards, as are the `fill` values (a fresh idempotency key per page).
The memo is bounded (least recently used dropped) and a long fragment is never kept.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from contextlib import contextmanager
from uuid import uuid4

from flask import current_app, g, has_request_context, request
from flask_babel import get_locale, get_timezone
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

KEEP_MAX_CHARS = 8_000  # a longer fragment is rendered each time: bounds the memory kept
CSRF_MARK = f"csrf-{uuid4().hex}"  # stands for the reader's token in a kept fragment


class KeptRenders:
    """Rendered HTML by key, the least recently used dropped past `size`."""

    def __init__(self, size: int = 512) -> None:
        self._kept: OrderedDict = OrderedDict()
        self._size, self._lock = size, threading.Lock()

    def get(self, key) -> Markup | None:
        with self._lock:
            html = self._kept.get(key)
            if html is not None:
                self._kept.move_to_end(key)
            return html

    def __len__(self) -> int:
        return len(self._kept)

    def put(self, key, html: Markup) -> None:
        with self._lock:
            self._kept[key] = html
            if len(self._kept) > self._size:
                self._kept.popitem(last=False)


FRAGMENTS = KeptRenders(size=1024)  # a few hundred units' panels and headers: a few MB at most


def _csrf_field_name() -> str:
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


@contextmanager
def csrf_marked():
    """While rendering a fragment to keep, `csrf_token()` gives the marker, never a reader's token
    (flask_wtf keeps the request's token in `g` under the field's name)."""
    name = _csrf_field_name()
    saved = g.pop(name, None)
    setattr(g, name, CSRF_MARK)
    try:
        yield
    finally:
        g.pop(name, None)
        if saved is not None:
            setattr(g, name, saved)


def with_token(html: str) -> Markup:
    """The kept HTML with the request's own CSRF token in place of the marker."""
    return Markup(html.replace(CSRF_MARK, generate_csrf())) if CSRF_MARK in html else Markup(html)


def render_kept(template_name: str, fill: dict[str, str] | None = None, **context) -> Markup:
    """`template_name` rendered with `context` (hashable values only), kept for the next reader
    with the same values. `fill`: marker -> value replaced in the HTML on every render (markers
    are unguessable strings put in the context; see discussions' client key)."""
    template = current_app.jinja_env.get_template(template_name)
    if not has_request_context():  # a script's render: no reader, no root to key on
        return Markup(template.render(context))
    key = (template, str(get_locale()), str(get_timezone()), request.script_root,
           tuple(sorted(context.items())))
    html = FRAGMENTS.get(key)
    if html is None:
        with csrf_marked():
            html = Markup(template.render(context))
        if len(html) <= KEEP_MAX_CHARS:
            FRAGMENTS.put(key, html)
    for mark, value in (fill or {}).items():
        html = html.replace(mark, value)
    return with_token(html)
