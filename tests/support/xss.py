"""The XSS corpus: what an author or a member might write to run script, load frames or
restyle a page, and the check that rendered HTML holds none of it live (escaped text is fine).
tests/core/test_markdown.py runs it through the renderers; features showing user text (posts,
titles, quotes) run it through their pages and API."""
from __future__ import annotations

import re
from html.parser import HTMLParser

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
