"""Templates' gettext finds the request's translations once, and follows a locale change."""
from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale, ngettext, pgettext, refresh

COURSES = "{{ _('Courses') }}"


def test_templates_follow_force_locale_and_refresh(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert render_template_string(COURSES) == "Courses"
        with force_locale("zh_CN"):
            assert render_template_string(COURSES) == "课程"
        assert render_template_string(COURSES) == "Courses"
        with force_locale("zh_CN"):  # the other callables: the same text as flask-babel's
            assert render_template_string("{{ pgettext('thread kind', 'Question') }}") == \
                pgettext("thread kind", "Question")
            assert render_template_string("{{ ngettext('%(num)d minute', '%(num)d minutes', 2) }}") == \
                ngettext("%(num)d minute", "%(num)d minutes", 2)


def test_a_refreshed_locale_is_used_on_the_same_request(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}) as ctx:
        assert render_template_string(COURSES) == "课程"
        ctx.request.environ["HTTP_ACCEPT_LANGUAGE"] = "en"
        ctx.request.__dict__.pop("accept_languages", None)  # werkzeug caches the parsed header
        refresh()
        assert render_template_string(COURSES) == "Courses"


def test_a_page_in_each_language(client):
    assert "<h1>登录</h1>" in client.get("/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "<h1>Log in</h1>" in client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_labels_from_context_processors_are_in_the_request_language(app):
    """Context processors run for every template a page renders, so their labels are built
    once (lazy strings): each still reads in the language of the request showing it."""
    for header, text in (("en", "the page's timer"), ("zh-CN", "页面计时器")):
        with app.test_request_context(headers={"Accept-Language": header}):
            refresh()  # the fixture's app context (and flask-babel's choice in it) spans both
            assert render_template_string("{{ finished_by_labels.get('timer', '-') }}") == text
