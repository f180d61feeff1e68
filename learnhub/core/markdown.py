"""The one place HTML is produced from author or user text.

Markdown is rendered with raw HTML disabled (it shows as text), then the result is
cleaned with bleach against an allowlist, so nothing an author or a member writes can
run script, load remote frames or restyle the page. Two renderers:

- `render_markdown` for authors (units, course pages, quiz texts). Every `id` is put in
  the author namespace (`c-` + the id) and every same-page or course link fragment with
  it, so a heading `## Unanswered` can never take over an id the page's script uses while
  the table of contents and footnotes keep linking both ways. Only the classes the
  renderer itself emits survive (code highlighting, admonitions of the kinds below,
  footnotes, the table of contents): `!!! flash flash-error` is a plain admonition.
- `render_member_markdown` for what members write (posts, comments, essay answers shown
  to staff): no ids, no classes, no images, links marked `rel="nofollow ugc noopener"`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import bleach
import markdown
from bleach.html5lib_shim import Filter
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from pygments.token import STANDARD_TYPES

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

# Authors' ids live in their own namespace: no id of a page template starts with it.
AUTHOR_ID_PREFIX = "c-"
ADMONITION_KINDS = frozenset({"note", "tip", "important", "warning", "danger"})
# The classes the renderer emits, per tag; anything else in a class list is dropped.
ALLOWED_CLASSES = {
    "div": frozenset({"highlight", "admonition", "footnote", "toc"}) | ADMONITION_KINDS,
    "p": frozenset({"admonition-title"}),
    "a": frozenset({"footnote-ref", "footnote-backref"}),
    "span": frozenset(STANDARD_TYPES.values()) - {""},   # Pygments' token classes
    "pre": frozenset({"highlight"}),                      # codehilite without Pygments
}
_LANGUAGE_CLASS = re.compile(r"^language-[a-z0-9_+#.-]{1,32}$")   # ditto, on <code>

MEMBER_TAGS = ALLOWED_TAGS - {"img"}
MEMBER_ATTRIBUTES = {"a": ["href", "title"], "abbr": ["title"], "td": ["align"],
                     "th": ["align"], "ol": ["start"]}
MEMBER_LINK_REL = "nofollow ugc noopener"

LinkResolver = Callable[[str], str]


@dataclass(frozen=True)
class Rendered:
    html: str
    toc_html: str
    has_toc: bool


def _allowed_classes(tag: str, value: str) -> str:
    allowed = ALLOWED_CLASSES.get(tag, frozenset())
    kept = [name for name in value.split()
            if name in allowed or (tag == "code" and _LANGUAGE_CLASS.match(name))]
    if tag == "div" and "admonition" not in kept:
        kept = [name for name in kept if name not in ADMONITION_KINDS]  # a kind needs its box
    return " ".join(dict.fromkeys(kept))


def _namespaced_link(href: str) -> str:
    """`#x` (and a course page's `/courses/...#x`) → the same link to the author id `c-x`."""
    path, hash_, fragment = href.partition("#")
    if not hash_ or not fragment or (path and not path.startswith("/courses/")):
        return href
    return f"{path}#{AUTHOR_ID_PREFIX}{fragment}"


class _AuthorAttributes(Filter):
    """Runs after bleach's sanitiser: namespaces ids and fragments, filters classes."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag") and token["data"]:
                attributes = token["data"]
                for key in list(attributes):
                    name = key[1]
                    if name == "id":
                        attributes[key] = AUTHOR_ID_PREFIX + attributes[key]
                    elif name == "href":
                        attributes[key] = _namespaced_link(attributes[key])
                    elif name == "class":
                        kept = _allowed_classes(token["name"], attributes[key])
                        if kept:
                            attributes[key] = kept
                        else:
                            del attributes[key]
            yield token


class _MemberLinks(Filter):
    """Every link in a member's text says it is theirs, not the site's."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] == "StartTag" and token["name"] == "a" and (None, "href") in token["data"]:
                token["data"][(None, "rel")] = MEMBER_LINK_REL
            yield token


_AUTHOR_CLEANER = bleach.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                                 protocols=ALLOWED_PROTOCOLS, strip=True, strip_comments=True,
                                 filters=[_AuthorAttributes])
_MEMBER_CLEANER = bleach.Cleaner(tags=MEMBER_TAGS, attributes=MEMBER_ATTRIBUTES,
                                 protocols=ALLOWED_PROTOCOLS, strip=True, strip_comments=True,
                                 filters=[_MemberLinks])


def sanitize(html: str) -> str:
    """Clean author HTML against the allowlist. Disallowed tags are removed with their
    markup; ids move into the author namespace, classes are kept only if allowed."""
    return _AUTHOR_CLEANER.clean(html)


def sanitize_member(html: str) -> str:
    """Clean member HTML: no ids, classes or images; links get rel="nofollow ugc noopener"."""
    return _MEMBER_CLEANER.clean(html)


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


class _ImagesAsLinks(Treeprocessor):
    """Members' images are not shown (nothing loads from elsewhere): each becomes a
    link to the image, named by its alt text."""

    def run(self, root):
        for element in root.iter():
            if element.tag == "img":
                src, alt = element.get("src", ""), element.get("alt") or element.get("src", "")
                tail = element.tail
                element.clear()
                element.tag, element.text, element.tail = "a", alt, tail
                element.set("href", src)


class _MemberExtension(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_ImagesAsLinks(md), "learnhub_member_images", 1)


def _without_raw_html(md: markdown.Markdown) -> markdown.Markdown:
    # Raw HTML in Markdown is shown as text, not passed through.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


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
    return _without_raw_html(md)


def render_markdown(text: str, resolver: LinkResolver | None = None) -> Rendered:
    """Render an author's Markdown to sanitised HTML plus a sanitised table of contents."""
    md = _markdown(resolver)
    html = md.convert(text)
    toc_tokens = getattr(md, "toc_tokens", [])
    return Rendered(html=sanitize(html), toc_html=sanitize(md.toc), has_toc=bool(toc_tokens))


def render_member_markdown(text: str) -> str:
    """Render what a member wrote (a post, a comment, an essay answer) to safe HTML.

    No heading ids, footnotes, admonitions or highlighting (so no ids or classes), no
    images, raw HTML shown as text, and every link `rel="nofollow ugc noopener"`.
    """
    md = markdown.Markdown(
        extensions=["tables", "fenced_code", "sane_lists", "def_list", "abbr", _MemberExtension()],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )
    return sanitize_member(_without_raw_html(md).convert(text))


render_user_markdown = render_member_markdown   # the earlier name
