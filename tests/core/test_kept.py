"""Kept fragments (core.kept): rendered once per key, right for every reader with that key, each
reader's own CSRF token and fill values put in, the marker never shown; bounded."""
from __future__ import annotations

import re

from flask import g
from flask_babel import force_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from learnhub.core.kept import CSRF_MARK, FRAGMENTS, KEEP_MAX_CHARS, render_kept
from learnhub.discussions.reading.panels import CLIENT_KEY_MARK
from learnhub.progress.views import Bar
from tests.support.web import CSRF_INPUT, login

NAV = dict(accommodations=False, manage_users=False, unread=0)


def _tokens(html: str) -> set[str]:
    return set(CSRF_INPUT.findall(html))


def _masked(html: str) -> str:
    return CSRF_INPUT.sub("TOKEN", html)


def test_two_members_share_the_header_but_not_their_tokens(app, make_user):
    pages = []
    for name in ("kept_a", "kept_b"):
        make_user(name)
        client = app.test_client()
        assert login(client, name).status_code == 302
        pages.append(client.get("/account").get_data(as_text=True))
    first, second = pages
    assert len(_tokens(first)) == 1 and len(_tokens(second)) == 1  # each page: its one token
    assert _tokens(first) != _tokens(second)
    nav = [page[page.index('<ul class="nav-links">'):page.index("</ul>", page.index("nav-links"))] for page in pages]
    assert _masked(nav[0]) == _masked(nav[1]) and 'action="/logout"' in nav[0]
    assert CSRF_MARK not in first + second


def test_a_fragment_follows_its_values_the_language_and_the_root(app):
    renders = {}
    for root, locale, unread, manage_users in (("", "en", 0, False), ("", "en", 3, False), ("", "en", 0, True),
                                               ("", "zh_CN", 0, False), ("/learn", "en", 0, False),
                                               ("", "en", 3, False)):
        with app.test_request_context(environ_overrides={"SCRIPT_NAME": root}), force_locale(locale):
            html = render_kept("_site_nav.html", **{**NAV, "unread": unread, "manage_users": manage_users})
            renders[(root, locale, unread, manage_users)] = _masked(html)
            assert CSRF_MARK not in html and len(_tokens(html)) == 1
    plain = renders[("", "en", 0, False)]
    assert 'data-notification-count hidden>' in plain and "Users" not in plain and "Log out" in plain
    assert ">3</span>" in renders[("", "en", 3, False)] and "Notifications: 3 unread" in renders[("", "en", 3, False)]
    assert 'href="/admin/users"' in renders[("", "en", 0, True)]
    assert "退出" in renders[("", "zh_CN", 0, False)] and "Log out" not in renders[("", "zh_CN", 0, False)]
    assert 'action="/learn/logout"' in renders[("/learn", "en", 0, False)]
    assert len(set(renders.values())) == 5  # the repeated key rendered the same


def test_the_readers_token_is_kept_in_g_and_never_in_the_memo(app):
    with app.test_request_context():
        token = generate_csrf()
        html = render_kept("_site_nav.html", **NAV)
        assert g.csrf_token == token and _tokens(html) == {token}
    assert not any(token in str(html) for html in FRAGMENTS._kept.values())


def test_fill_values_are_each_pages_own(app):
    with app.test_request_context():
        pages = [render_kept("discussions/panel_unit.html", fill={CLIENT_KEY_MARK: key}, rows=(), course_slug="c",
                             unit_slug="u", ask_fields=Markup("<p>fields</p>"), client_key=CLIENT_KEY_MARK) for key in ("k1", "k2")]
    assert [re.search(r'name="client_key" type="hidden" value="(\w+)"', page).group(1) for page in pages] == ["k1", "k2"]
    assert CLIENT_KEY_MARK not in pages[0] + pages[1]


def test_a_long_fragment_is_rendered_each_time_not_kept(app):
    long_fields = Markup("<p>" + "x" * KEEP_MAX_CHARS + "</p>")
    with app.test_request_context():
        before = len(FRAGMENTS)
        html = render_kept("discussions/panel_unit.html", rows=(), course_slug="long", unit_slug="u",
                           ask_fields=long_fields, client_key="k")
        assert long_fields in html and len(FRAGMENTS) == before
        render_kept("progress/_unit_progress.html", progress=Bar(50, 1, 2))
        assert len(FRAGMENTS) == min(before + 1, 1024)


def test_outside_a_request_it_renders_without_keeping(app):
    with app.app_context():
        before = len(FRAGMENTS)
        html = render_kept("progress/_unit_progress.html", progress=Bar(40, 2, 5))
    assert 'value="40"' in html and "2 of 5 required units" in html and len(FRAGMENTS) == before
