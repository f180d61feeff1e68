"""Issue 11, item 1: what the Markdown renderers accept and how long they may take.

Each pathological text is rendered in a thread joined with a timeout: the test shows the
work is bounded (before the guard, `"[" * 19000` ran for minutes and `"1. " * 1000` raised
RecursionError), without asserting anything about this machine's speed. Write paths refuse
such texts with a 4xx and store nothing; a text that reached the database anyway is shown
escaped, with a 200. Item 18: a list typed right under a line of text is a list.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from learnhub.classes.attendance import sessions as attendance
from learnhub.classes.attendance.models import ClassSession
from learnhub.classes.models import SchoolClass
from learnhub.core.markdown import (
    MarkdownRefused,
    markdown_problem,
    render_markdown,
    render_member_markdown,
    render_staff_markdown,
    require_renderable,
)
from learnhub.core.markdown_guard import AUTHOR, MEMBER, exceeded, measure
from tests.support.factories import count
from tests.support.threads import BOUND, within
from tests.support.web import csrf_from, signed_in

PATHOLOGICAL = {
    "ordered list markers": "1. " * 1000,
    "bullet markers": "+ " * 1000,
    "mixed list markers": "1. - " * 600,
    "open brackets": "[" * 19000,
    "open brackets with text": "[a" * 9000,
    "open image brackets": "![" * 9000,
    "open footnote refs": "[^" * 9000,
    "open link targets": "[a](" * 4500,
    "nested blockquotes": ">" * 5000,
    "nested blockquotes, spaced": "> " * 5000,
    "nested lists by indentation": "- a\n" + "\n".join("    " * depth + "- a" for depth in range(1, 300)),
    "headings in one block": "# a\n" * 5000,
    "rules in one block": "- - -\n" * 3000,
    "long emphasis run": "*a" * 9000,
    "long strong run": "**a" * 6000,
    "alternating emphasis": "*_" * 9000,
    "emphasised words": "*a* " * 4900,
    "definition lines": "a\n" + ": b\n" * 4900,
    "fence lines": "~~~\n" * 4900,
}
SIMPLE = "Welcome to **the class**.\n\n- bring a notebook\n- be on time\n"


# ---- the renderers ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_every_renderer_finishes_in_bounded_time_and_never_raises(name):
    text = PATHOLOGICAL[name]
    for render in (lambda t: render_markdown(t).html, render_staff_markdown, render_member_markdown):
        html = within(BOUND, render, text)
        assert isinstance(html, str) and "<script" not in html


@pytest.mark.parametrize("name", ["ordered list markers", "open brackets", "nested blockquotes",
                                  "nested lists by indentation"])
def test_a_refused_text_shows_escaped_with_its_line_breaks(name):
    text = PATHOLOGICAL[name] + "\n\n<b>bold?</b>\nsecond line"
    rendered = within(BOUND, render_markdown, text)
    assert rendered.escaped and not rendered.has_toc
    assert rendered.html.startswith("<p>") and "&lt;b&gt;bold?&lt;/b&gt;<br>\nsecond line</p>" in rendered.html
    assert "<ol>" not in rendered.html and "<blockquote>" not in rendered.html
    assert "&lt;b&gt;bold?&lt;/b&gt;<br>\nsecond line" in within(BOUND, render_member_markdown, text)


def test_a_recursion_past_the_pre_scan_is_caught_and_shown_escaped():
    """With the depth bound lifted, Python-Markdown itself runs out of stack: still no error."""
    no_depth_bound = replace(AUTHOR, max_depth=10**6)
    rendered = within(BOUND, render_markdown, "1. " * 1000, limits=no_depth_bound)
    assert rendered.escaped and rendered.html.startswith("<p>1. 1. ")


def test_the_deadline_stops_a_render_the_pre_scan_let_through():
    """With the scan bound lifted, "[" * 19000 runs for minutes unguarded: the deadline stops it."""
    unbounded_scan = replace(MEMBER, max_scan=10**12, seconds=0.2)
    rendered = within(BOUND, render_markdown, "[" * 19000, limits=unbounded_scan)
    assert rendered.escaped and rendered.html == "<p>" + "[" * 19000 + "</p>"


def test_ordinary_texts_render_normally_and_pass_the_write_check():
    texts = [SIMPLE, "## 通知\n\n| 时间 | 地点 |\n|---|---|\n| 周五 | 101 |\n\n```python\nif a[0]:\n"
             "                        print((1))\n```\n\n> 引用\n> - 列表\n\n[链接](https://example.org) "
             "and [a] stray bracket, (an aside), \\[escaped\\].\n\n1. one\n    - two\n        - three\n"]
    for text in texts:
        assert not render_markdown(text).escaped
        assert markdown_problem(text, "body") is None
        require_renderable(text, "body")
    assert "<strong>the class</strong>" in render_staff_markdown(SIMPLE)
    assert "<li>bring a notebook</li>" in render_member_markdown(SIMPLE)


def test_a_long_realistic_text_is_well_within_the_bounds():
    paragraph = "这是一段很长的中文文字，包含**强调**和[链接](https://example.org)。" * 20
    text = ("## 标题\n\n" + paragraph + "\n\n要求：\n1. 准时\n2. 带笔记本\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n") * 45
    figures = measure(text)
    assert len(text) < MEMBER.max_chars and figures.depth <= 2 and figures.scan < MEMBER.max_scan // 4
    assert markdown_problem(text, "minutes") is None


@pytest.mark.parametrize("name", ["ordered list markers", "open brackets", "nested blockquotes",
                                  "nested lists by indentation", "open link targets", "headings in one block"])
def test_the_write_check_refuses_pathological_texts_naming_the_field(app, name):
    with app.test_request_context():
        with pytest.raises(MarkdownRefused) as refused:
            within(BOUND, require_renderable, PATHOLOGICAL[name], "body")
        assert refused.value.status == 422 and refused.value.code == "invalid_field"
        assert refused.value.message.startswith("'body' ") and refused.value.fields == {"body": refused.value.message}


def test_fenced_code_is_not_counted_as_nesting_or_brackets():
    code = "```\n" + "\n".join(" " * 60 + "- x[" for _ in range(200)) + "\n```\n"
    assert measure(code).depth == 0 and measure(code).scan == 0
    unclosed = code.rstrip("`\n")   # no closing fence: Python-Markdown reads it as text, and so does the scan
    assert measure(unclosed).depth > MEMBER.max_depth and measure(unclosed).scan > 0


def test_indent_before_plain_text_is_not_nesting():
    """A signature pushed right with spaces (pasted from a word processor) is no list."""
    signed = "通知如下。\n\n" + " " * 80 + "党支部\n" + "\t" * 20 + "2026年12月1日"
    assert measure(signed).depth == 0 and markdown_problem(signed, "body") is None
    assert measure(" " * 80 + "- item").depth == 21 and measure("> " * 3 + "    - x").depth == 5


# ---- item 18: a list right after a line of text ----------------------------------------------

@pytest.mark.parametrize("render", [lambda t: render_markdown(t).html, render_staff_markdown,
                                    render_member_markdown], ids=["author", "staff", "member"])
def test_a_list_typed_right_under_a_line_of_text_is_a_list(render):
    ordered = render("要求：\n1. 准时\n2. 带笔记本")
    assert "<p>要求：</p>" in ordered and "<ol>\n<li>准时</li>\n<li>带笔记本</li>\n</ol>" in ordered
    bullets = render("Bring:\n- a pen\n* a notebook")
    assert "<p>Bring:</p>" in bullets and "<li>a pen</li>" in bullets and "<li>a notebook</li>" in bullets


@pytest.mark.parametrize("text, absent", [
    ("Founded in\n2024. That year we met.", "<ol>"),            # only a list from 1 interrupts text
    ("```\nnote\n- not a list\n```", "<ul>"),                   # fenced code is left alone
    ("Code:\n\n    x = 1\n    - 2", "<ul>"),                    # and so is indented code
])
def test_text_that_only_looks_like_a_list_stays_text(text, absent):
    assert absent not in render_markdown(text).html


@pytest.mark.parametrize("render", [lambda t: render_markdown(t).html, render_staff_markdown],
                         ids=["author", "staff"])
def test_a_list_of_the_other_kind_right_after_a_list_is_its_own_list(render):
    """"1. 甲\n2. 乙\n- 丙" made "乙 - 丙" one item; a nested list (indented) stays nested."""
    html = render("要求：\n1. 甲\n2. 乙\n- 丙\n- 丁")
    assert "<ol>\n<li>甲</li>\n<li>乙</li>\n</ol>" in html and "<ul>\n<li>丙</li>\n<li>丁</li>\n</ul>" in html
    assert render("- a\n    1. nested\n- b").count("<ul>") == 1


def test_a_list_already_written_with_a_blank_line_renders_the_same():
    assert render_markdown("Title\n\n- a\n- b").html == render_markdown("Title\n- a\n- b").html
    assert render_markdown("- a\nlazy\n- b").html.count("<li>") == 2   # a lazy line stays in its item


# ---- the write paths: class description and minutes ------------------------------------------

@pytest.mark.parametrize("text", [PATHOLOGICAL["ordered list markers"], PATHOLOGICAL["open brackets"]])
def test_a_class_description_over_the_bounds_is_refused_by_api_and_page(app, db, make_user, make_class, text):
    staff = make_user(role="staff")
    client = signed_in(app, staff)
    response = within(BOUND, client.post, "/api/v1/classes", headers=client.headers, json={
        "name": "Bounded", "code": "2026F-MD", "starts_on": "2026-09-01", "ends_on": "2027-01-15",
        "description": text})
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid_field" and set(error["fields"]) == {"description"}
    assert count(SchoolClass) == 0

    school_class = make_class()
    head = signed_in(app, school_class.head)
    page = f"/classes/{school_class.id}/edit"
    form = {"csrf_token": csrf_from(head, page), "name": "Renamed", "code": school_class.code,
            "starts_on": "2026-09-01", "ends_on": "2027-01-15", "status": "active", "description": text,
            "submit": "Save"}
    refused = within(BOUND, head.post, page, data=form)
    assert refused.status_code == 200 and "description" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert (school_class.name, school_class.description) != ("Renamed", text)


def test_minutes_over_the_bounds_are_refused_on_the_page(app, db, make_user, make_class, clock):
    school_class = make_class()
    session = attendance.create_session(school_class.head, school_class, "Lecture", "lecture",
                                        clock.now - timedelta(minutes=5), clock.now + timedelta(hours=1))
    db.session.commit()
    head = signed_in(app, school_class.head)
    url = f"/sessions/{session.id}/minutes"
    for text in (PATHOLOGICAL["ordered list markers"], PATHOLOGICAL["open brackets"]):
        refused = within(BOUND, head.post, url, data={"csrf_token": csrf_from(head, url), "minutes": text})
        assert refused.status_code == 200 and "&#39;minutes&#39;" in refused.get_data(as_text=True)
        db.session.expire_all()
        assert db.session.get(ClassSession, session.id).minutes is None
    with pytest.raises(MarkdownRefused):
        attendance.save_minutes(school_class.head, school_class, session, "1. " * 1000, clock.now)


def test_stored_description_and_minutes_over_the_bounds_show_escaped(app, db, make_user, make_class, clock):
    """Rows written before the check (or straight into the database) still give a 200."""
    member = make_user()
    school_class = make_class(members=[member])
    session = attendance.create_session(school_class.head, school_class, "Lecture", "lecture",
                                        clock.now - timedelta(minutes=5), clock.now + timedelta(hours=1))
    school_class.description = "1. " * 1000 + "<i>x</i>"
    session.minutes = "[" * 19000
    db.session.commit()
    reader = signed_in(app, member)
    overview = within(BOUND, reader.get, f"/classes/{school_class.id}")
    assert overview.status_code == 200 and "1. 1. 1. " in overview.get_data(as_text=True)
    assert "&lt;i&gt;x&lt;/i&gt;" in overview.get_data(as_text=True)
    page = within(BOUND, reader.get, f"/sessions/{session.id}")
    assert page.status_code == 200 and "[" * 100 in page.get_data(as_text=True)
    api = within(BOUND, reader.get, f"/api/v1/sessions/{session.id}")
    assert api.status_code == 200 and api.get_json()["minutes_html"] == "<p>" + "[" * 19000 + "</p>"


def test_stored_staff_texts_render_under_the_staff_bounds_not_the_authors(app, db, make_user, make_class, clock):
    """Review of issue 11: descriptions and minutes are refused at write time under the staff
    bounds (MEMBER), but the class page, the session page and the API rendered them under the
    authors' (AUTHOR: 6x the length, deeper nesting, a longer deadline), so a stored text the
    rules refuse still cost the authors' budget on every render. Nesting 15 deep sits between."""
    deep = "".join("    " * level + "- a\n" for level in range(15))
    assert exceeded(deep, MEMBER) == "depth" and exceeded(deep, AUTHOR) is None
    member = make_user()
    school_class = make_class(members=[member])
    session = attendance.create_session(school_class.head, school_class, "Lecture", "lecture",
                                        clock.now - timedelta(minutes=5), clock.now + timedelta(hours=1))
    school_class.description = deep
    session.minutes = deep
    db.session.commit()
    reader = signed_in(app, member)
    assert "<li>a" not in within(BOUND, reader.get, f"/classes/{school_class.id}").get_data(as_text=True)
    assert "<li>a" not in within(BOUND, reader.get, f"/sessions/{session.id}").get_data(as_text=True)
    minutes_html = within(BOUND, reader.get, f"/api/v1/sessions/{session.id}").get_json()["minutes_html"]
    assert minutes_html.startswith("<p>- a<br>")
