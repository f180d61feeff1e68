"""The base layout's fixed links are built once and read the same as url_for's."""
from __future__ import annotations

import re

from flask import render_template_string, url_for

LINKS = ("{{ layout_url('courses.home') }} {{ layout_url('static', filename='css/app.css') }} "
         "{{ layout_url('api.list_notifications', limit=1) }}")


def test_layout_links_are_url_fors_and_follow_the_script_root(app):
    for root in ("", "/learn", ""):
        with app.test_request_context(environ_overrides={"SCRIPT_NAME": root}):
            expected = " ".join([url_for("courses.home"), url_for("static", filename="css/app.css"),
                                 url_for("api.list_notifications", limit=1)])
            assert render_template_string(LINKS) == expected
            assert expected.startswith(f"{root}/")


def test_a_logged_in_page_links_the_same_places(client, login_as):
    login_as()
    page = client.get("/account").get_data(as_text=True)
    for href in ("/static/css/app.css", "/static/js/notifications.js", "/notifications", "/account",
                 "/api/v1/notifications?limit=1"):
        assert re.search(rf'(href|src|data-poll-url)="{re.escape(href)}"', page), href
    assert 'action="/logout"' in page
