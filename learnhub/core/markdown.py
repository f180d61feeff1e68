"""The one place HTML is produced from author or user text.

Markdown is rendered with raw HTML disabled (it shows as text), then the result is
cleaned with bleach against a single allowlist, so nothing an author or a member writes
can run script, load remote frames or restyle the page.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import bleach
import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre",
    "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "ul",
})
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "id", "class", "rel"],
    "img": ["src", "alt", "title", "width", "height", "loading"],
    "abbr": ["title"],
    "td": ["align"],
    "th": ["align"],
    "div": ["class"],
    "span": ["class"],
    "code": ["class"],
    "pre": ["class"],
    "p": ["class"],
    "li": ["id"],
    "sup": ["id"],
    "ol": ["start"],
    "h1": ["id"], "h2": ["id"], "h3": ["id"], "h4": ["id"], "h5": ["id"], "h6": ["id"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

LinkResolver = Callable[[str], str]


@dataclass(frozen=True)
class Rendered:
    html: str
    toc_html: str
    has_toc: bool


def sanitize(html: str) -> str:
    """Clean HTML against the allowlist. Disallowed tags are removed with their markup."""
    return bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )


class _RewriteLinks(Treeprocessor):
    """Rewrites relative href/src through a resolver (unit files and assets to URLs)."""

    def __init__(self, md, resolver: LinkResolver):
        super().__init__(md)
        self.resolver = resolver

    def run(self, root):
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None:
                    element.set(attribute, self.resolver(value))
            if element.tag == "img":
                element.set("loading", "lazy")


class _LinkExtension(Extension):
    def __init__(self, resolver: LinkResolver):
        super().__init__()
        self.resolver = resolver

    def extendMarkdown(self, md):
        md.treeprocessors.register(_RewriteLinks(md, self.resolver), "learnhub_links", 1)


def _markdown(resolver: LinkResolver | None) -> markdown.Markdown:
    extensions = [
        "tables", "fenced_code", "codehilite", "footnotes", "admonition", "toc",
        "sane_lists", "def_list", "abbr",
    ]
    if resolver is not None:
        extensions.append(_LinkExtension(resolver))
    md = markdown.Markdown(
        extensions=extensions,
        extension_configs={
            "codehilite": {"css_class": "highlight", "guess_lang": False},
            "tables": {"use_align_attribute": True},
            "toc": {"toc_depth": "2-3"},
        },
        output_format="html",
    )
    # Raw HTML in Markdown is shown as text, not passed through.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def render_markdown(text: str, resolver: LinkResolver | None = None) -> Rendered:
    """Render Markdown to sanitised HTML plus a sanitised table of contents."""
    md = _markdown(resolver)
    html = md.convert(text)
    toc_tokens = getattr(md, "toc_tokens", [])
    return Rendered(html=sanitize(html), toc_html=sanitize(md.toc), has_toc=bool(toc_tokens))


def render_user_markdown(text: str) -> str:
    """Render a member's post or answer (no relative links to resolve)."""
    return render_markdown(text).html
