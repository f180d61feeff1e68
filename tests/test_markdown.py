"""Unit Markdown comes out inert whatever an author writes."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from learnhub.core.markdown import render_markdown, sanitize

VECTORS = {
    "script tag": "<script>alert('x')</script>",
    "javascript link": "[click](javascript:alert(1))",
    "javascript link, mixed case": "[click](JaVaScRiPt:alert(1))",
    "data link": "[click](data:text/html;base64,PHNjcmlwdD4=)",
    "data image": "![img](data:image/svg+xml;base64,PHN2Zz4=)",
    "onerror attribute": '<img src="x" onerror="alert(1)">',
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "svg onload": "<svg onload=alert(1)></svg>",
    "style tag": "<style>body { display: none }</style>",
    "style attribute": '<p style="position:fixed">x</p>',
    "reference-style javascript link": "[x][evil]\n\n[evil]: javascript:alert(1)",
    "autolink javascript": "<javascript:alert(1)>",
    "html block": "<div onclick=\"alert(1)\">\nhello\n</div>",
    "object embed": '<object data="x.swf"></object><embed src="x.swf">',
    "form": '<form action="https://evil.example"><input name="p"></form>',
}
DANGEROUS_TAGS = {"script", "iframe", "svg", "style", "object", "embed", "form", "input", "math"}


class _Elements(HTMLParser):
    """Collects the real elements and attributes of HTML (escaped text is not an element)."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def assert_inert(html: str) -> None:
    for tag, attrs in elements(html):
        assert tag not in DANGEROUS_TAGS, html
        for name, value in attrs.items():
            assert not name.startswith("on") and name != "style", html
            if name in {"href", "src"} and value:
                assert not re.match(r"\s*(javascript|data|vbscript):", value, re.I), html


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
    assert '<h2 id="title">Title</h2>' in html
    assert '<td align="right">2</td>' in html
    assert 'class="highlight"' in html and "print" in html
    assert 'class="admonition note"' in html
    assert 'class="footnote"' in html
    assert 'href="https://example.org"' in html
    assert rendered.has_toc and 'href="#title"' in rendered.toc_html


def test_relative_links_go_through_the_resolver():
    html = render_markdown("[n](02-next.md) ![p](assets/p.png)", lambda url: "/resolved/" + url).html
    assert 'href="/resolved/02-next.md"' in html and 'src="/resolved/assets/p.png"' in html
