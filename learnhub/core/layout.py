"""What the base layout (templates/base.html) needs on every page, computed once.

The layout links to the same dozen places on every page (stylesheets, the navigation,
the notification badge's poll URL). Building each with url_for costs a route lookup and a
build per link per page; the result only depends on the endpoint, its values and the
request's script root (the app mounted under a path prefix), so it is built once per
combination and kept per app. Only for fixed links: values that change per page (an id,
a `next`) go through url_for.
"""
from __future__ import annotations

from flask import has_request_context, request, url_for

from .kept import render_kept

MAX_KEPT = 256  # the layout has about a dozen; a misuse with changing values stays bounded


def fixed_url_builder():
    """A `layout_url(endpoint, **values)` with its own store (one per app)."""
    kept: dict[tuple, str] = {}

    def layout_url(endpoint: str, **values) -> str:
        if not has_request_context():  # rendered outside a request (a script): no root to key on
            return url_for(endpoint, **values)
        key = (request.script_root, endpoint, *sorted(values.items()))
        url = kept.get(key)
        if url is None:
            url = url_for(endpoint, **values)
            if len(kept) >= MAX_KEPT:
                kept.clear()
            kept[key] = url
        return url

    return layout_url


def init_app(app) -> None:
    app.jinja_env.globals["layout_url"] = fixed_url_builder()
    app.jinja_env.globals["kept_fragment"] = render_kept  # the header links, kept (core.kept)
