"""Unit Markdown comes out inert whatever an author writes."""
from __future__ import annotations

import re

import pytest

from learnhub.core.markdown import render_markdown, render_member_markdown, sanitize
from tests.support.xss import VECTORS, assert_inert, elements


@pytest.mark.parametrize("name", sorted(VECTORS))
def test_xss_vectors_come_out_inert(name):
    assert_inert(render_markdown(VECTORS[name]).html)


def test_the_check_itself_catches_live_markup():
    with pytest.raises(AssertionError):
        assert_inert('<img src="x" onerror="alert(1)">')
    with pytest.raises(AssertionError):
        assert_inert('<a href="javascript:alert(1)">x</a>')


def test_sanitize_removes_dangerous_html_even_if_markdown_let_it_through():
    html = sanitize('<a href="javascript:x()" onclick="y()">a</a><img src=x onerror=z()><script>s()</script>')
    assert "javascript" not in html and "onclick" not in html and "onerror" not in html and "<script" not in html


def test_normal_markdown_survives():
    rendered = render_markdown(
        "## Title\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n```python\nprint('hi')\n```\n\n"
        "!!! note \"Remember\"\n    Study daily.\n\nText[^1].\n\n[^1]: A footnote.\n\n"
        "[site](https://example.org)\n"
    )
    html = rendered.html
    assert '<h2 id="c-title">Title</h2>' in html
    assert '<td align="right">2</td>' in html
    assert 'class="highlight"' in html and "print" in html
    assert 'class="admonition note"' in html
    assert 'class="footnote"' in html
    assert 'href="https://example.org"' in html
    assert rendered.has_toc and 'href="#c-title"' in rendered.toc_html


def test_relative_links_go_through_the_resolver():
    html = render_markdown("[n](02-next.md) ![p](assets/p.png)", lambda url: "/resolved/" + url).html
    assert 'href="/resolved/02-next.md"' in html and 'src="/resolved/assets/p.png"' in html


def test_member_text_comes_out_inert_too():
    for text in VECTORS.values():
        assert_inert(render_member_markdown(text))


# -- ids and classes: author text cannot pose as the page ---------------------------------

def ids(html: str) -> list[str]:
    return [attrs["id"] for _tag, attrs in elements(html) if "id" in attrs]


def fragments(html: str) -> list[str]:
    return [attrs["href"][1:] for tag, attrs in elements(html)
            if tag == "a" and attrs.get("href", "").startswith("#")]


def classes(html: str) -> set[str]:
    return {name for _tag, attrs in elements(html) for name in (attrs.get("class") or "").split()}


def page_ids() -> set[str]:
    """Every fixed id the templates give their elements (those the page scripts look up)."""
    from learnhub.config import PROJECT_ROOT

    found = set()
    for template in (PROJECT_ROOT / "learnhub" / "templates").rglob("*.html"):
        found.update(re.findall(r'\bid="([a-z][a-z-]*)"', template.read_text(encoding="utf-8")))
    return found


def test_the_quiz_page_ids_are_known():
    assert {"unanswered", "timer", "quiz", "attempt-form", "save-status", "main"} <= page_ids()


def test_headings_cannot_take_over_an_id_of_the_page():
    text = "".join(f"## {name.replace('-', ' ').title()}\n\nText.\n\n" for name in sorted(page_ids()))
    rendered = render_markdown(text)
    assert "c-unanswered" in ids(rendered.html)
    assert not set(ids(rendered.html)) & page_ids(), ids(rendered.html)
    assert all(id_.startswith("c-") for id_ in ids(rendered.html))
    # nor can author HTML (an [html] question text) or a link aimed at the page's ids
    html = sanitize('<h2 id="unanswered">x</h2><li id="timer">t</li><a href="#unanswered">u</a>')
    assert ids(html) == ["c-unanswered", "c-timer"] and fragments(html) == ["c-unanswered"]


def test_no_template_id_is_in_the_author_namespace():
    assert not [id_ for id_ in page_ids() if id_.startswith("c-")]


def test_table_of_contents_links_match_the_heading_ids():
    rendered = render_markdown("[TOC]\n\n## Unanswered\n\n### Timer 计时\n\n## Unanswered\n\n"
                               "See [above](#unanswered).\n")
    heading_ids = ids(rendered.html)
    assert len(heading_ids) == 3 and len(set(heading_ids)) == 3
    assert fragments(rendered.toc_html) == heading_ids
    assert set(fragments(rendered.html)) <= set(heading_ids)   # [TOC] and the author's link


def test_footnotes_link_both_ways():
    rendered = render_markdown("First[^a] and second[^note].\n\n[^a]: One.\n\n[^note]: Two.\n")
    html = rendered.html
    assert set(fragments(html)) == set(ids(html))              # every link has its target
    assert len(ids(html)) == 4 and all(id_.startswith("c-") for id_ in ids(html))
    refs = [attrs for tag, attrs in elements(html) if attrs.get("class") == "footnote-ref"]
    backs = [attrs for tag, attrs in elements(html) if attrs.get("class") == "footnote-backref"]
    assert len(refs) == 2 and len(backs) == 2 and 'class="footnote"' in html


def test_links_into_a_unit_keep_their_fragment_in_the_namespace():
    html = render_markdown("[n](02-next.md#part) [out](https://example.org/#part) [top](#)",
                           lambda url: "/courses/c/next#part" if url.startswith("02") else url).html
    assert 'href="/courses/c/next#c-part"' in html
    assert 'href="https://example.org/#part"' in html and 'href="#"' in html


def test_an_admonition_cannot_fake_a_flash_message():
    html = render_markdown('!!! flash flash-error "Your account is locked"\n    Log in again.\n').html
    assert "flash" not in classes(html)
    assert classes(html) == {"admonition", "admonition-title"}
    assert "Your account is locked" in html     # still shown, as a plain admonition


@pytest.mark.parametrize("kind", ["note", "tip", "important", "warning", "danger"])
def test_supported_admonition_kinds_keep_their_class(kind):
    html = render_markdown(f"!!! {kind} visually-hidden quiz\n    Text.\n").html
    assert f'class="admonition {kind}"' in html


def test_only_the_renderers_own_classes_survive():
    rendered = render_markdown("[TOC]\n\n## A\n\n```python\nprint('hi')  # x\n```\n\nT[^1]\n\n[^1]: F.\n")
    found = classes(rendered.html)
    assert {"toc", "highlight", "footnote", "footnote-ref", "footnote-backref", "nb", "p"} <= found
    html = sanitize('<p class="flash flash-error">x</p><div class="flash warning visually-hidden">y</div>'
                    '<span class="question k">z</span><a class="button" href="/x">b</a>'
                    '<code class="language-python text-answer">c</code>')
    assert classes(html) == {"k", "language-python"}, html


def test_member_text_has_no_ids_classes_or_images_and_marks_its_links():
    html = render_member_markdown(
        "## Unanswered\n\nSee [this](https://example.org) and <https://example.org/a>.\n\n"
        "![tracker](https://evil.example/p.png) ![](assets/x.png)\n\n"
        "```python\nprint(1)\n```\n\nNote[^1].\n\n[^1]: Foot.\n\n!!! flash flash-error\n    Fake.\n\n"
        '<span class="flash flash-error" id="timer">raw</span>\n')
    found = elements(html)
    assert not [attrs for _tag, attrs in found if "id" in attrs or "class" in attrs], html
    assert "img" not in [tag for tag, _attrs in found]
    links = [attrs for tag, attrs in found if tag == "a"]
    assert links and all(attrs["rel"] == "nofollow ugc noopener" for attrs in links), html
    assert {"https://example.org", "https://example.org/a", "https://evil.example/p.png"} <= {
        attrs["href"] for attrs in links}    # an image is only a link to it, named by its alt
    assert "&lt;span" in html                 # raw HTML shown as text
    assert "<h2>Unanswered</h2>" in html


def test_member_renderer_keeps_the_earlier_name():
    from learnhub.core.markdown import render_user_markdown

    assert 'rel="nofollow ugc noopener"' in render_user_markdown("[a](https://example.org)")
