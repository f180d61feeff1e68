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
  to staff): no ids, no classes, images only from this site (any other image is a link),
  links marked `rel="nofollow ugc noopener"`.
- `render_staff_markdown` for what staff write in the app (announcements, class
  descriptions, minutes): the authors' renderer under the members' bounds.

Both bound their work (core.markdown_guard): a text over a bound, or one that overruns its
deadline or the stack, is shown as escaped text, never an error; `require_renderable` is
the write-time check the services call so such a text is refused before it is stored.
Both let a list start right after a line of text, as people write it ("要求：\n1. 准时").
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Callable

import bleach
import markdown
from bleach.html5lib_shim import Filter
from flask_babel import lazy_gettext as _l
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from pygments.token import STANDARD_TYPES

from .errors import FieldError
from .markdown_guard import AUTHOR, MEMBER, Limits, RenderTimeout, exceeded, problem, watch

log = logging.getLogger(__name__)

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

# A path of this site: "/..." but not "//host" or "/\\host" (browsers read both as another
# host), and no whitespace or control character (browsers drop tabs and newlines from URLs).
_SITE_PATH = re.compile(r"/(?![/\\])[^\s\\\x00-\x1f\x7f]*")


def is_site_path(src: str | None) -> bool:
    """True for an image a member may show: a path on this site, nothing loaded from elsewhere."""
    return bool(src) and _SITE_PATH.fullmatch(src) is not None


def _member_image_attribute(_tag: str, name: str, value: str) -> bool:
    return name in ("alt", "title", "loading") or (name == "src" and is_site_path(value))


MEMBER_TAGS = ALLOWED_TAGS
MEMBER_ATTRIBUTES = {"a": ["href", "title"], "abbr": ["title"], "td": ["align"],
                     "th": ["align"], "ol": ["start"], "img": _member_image_attribute}
MEMBER_LINK_REL = "nofollow ugc noopener"

LinkResolver = Callable[[str], str]


@dataclass(frozen=True)
class Rendered:
    html: str
    toc_html: str
    has_toc: bool
    escaped: bool = False   # a bound was hit: `html` is the text itself, escaped


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
    """Clean member HTML: no ids or classes, images only with a src on this site; links get
    rel="nofollow ugc noopener"."""
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
    """Members' images load only from this site (a path such as /static/... or an upload):
    those are kept, lazily loaded; any other becomes a link to the image, named by its alt
    text, so nothing a member writes makes readers' browsers fetch from elsewhere."""

    def run(self, root):
        for element in root.iter():
            if element.tag != "img":
                continue
            src, alt = element.get("src", ""), element.get("alt") or ""
            if is_site_path(src):
                title = element.get("title")
                element.attrib.clear()
                element.set("src", src)
                element.set("alt", alt)
                if title:
                    element.set("title", title)
                element.set("loading", "lazy")
                continue
            tail = element.tail
            element.clear()
            element.tag, element.text, element.tail = "a", alt or src, tail
            element.set("href", src)


class _MemberExtension(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_ImagesAsLinks(md), "learnhub_member_images", 1)


# Any list item as Python-Markdown reads one (spaces after the marker), and the ones that may
# start a list in the middle of a paragraph: as in CommonMark, a bullet or an ordered list
# from 1, so a wrapped line that happens to begin "2024. " stays text.
_LIST_ITEM = re.compile(r"[ ]{0,3}(?:[*+-]|\d{1,9}\.)[ ]+\S")
_INTERRUPTING_ITEM = re.compile(r"[ ]{0,3}(?:[*+-]|1\.)[ ]+\S")


class _ListsAfterText(Preprocessor):
    """A list typed right under a line of text ("要求：\\n1. 准时\\n2. 带笔记本") is a list:
    Python-Markdown wants a blank line before it, people do not write one. Runs after the
    fenced blocks are stashed, so code is never touched; indented lines are left alone."""

    def run(self, lines):
        out, in_block, in_paragraph, kind = [], False, False, None
        for line in lines:
            item = _LIST_ITEM.match(line)
            if not line.strip():
                in_block = in_paragraph = False
                kind = None
            elif not in_block:
                in_block = True
                in_paragraph = not (item or line.startswith(("    ", "\t")))
            elif in_paragraph and _INTERRUPTING_ITEM.match(line):
                out.append("")
                in_paragraph = False
            elif item and kind and _list_kind(line) != kind:
                out.append("")  # "1. a\n2. b\n- c": a new list, not "b - c" in one item
            if item:
                kind = _list_kind(line)
            out.append(line)
        return out


def _list_kind(item_line: str) -> str:
    return "bullet" if item_line.lstrip()[0] in "*+-" else "ordered"


class _ListsAfterTextExtension(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(_ListsAfterText(md), "learnhub_lists_after_text", 18)


def _without_raw_html(md: markdown.Markdown) -> markdown.Markdown:
    # Raw HTML in Markdown is shown as text, not passed through.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def _markdown(resolver: LinkResolver | None) -> markdown.Markdown:
    extensions = [
        "tables", "fenced_code", "codehilite", "footnotes", "admonition", "toc",
        "sane_lists", "def_list", "abbr", _ListsAfterTextExtension(),
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


def _member_markdown() -> markdown.Markdown:
    md = markdown.Markdown(
        extensions=["tables", "fenced_code", "sane_lists", "def_list", "abbr", _MemberExtension(),
                    _ListsAfterTextExtension()],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )
    return _without_raw_html(md)


def escaped_text(text: str) -> str:
    """What a text the renderer refused shows as: itself, escaped, its paragraphs in <p>
    and its line breaks kept."""
    paragraphs = re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").strip())
    return "".join("<p>" + "<br>\n".join(escape(line) for line in paragraph.split("\n")) + "</p>"
                   for paragraph in paragraphs if paragraph.strip())


def _converted(md: markdown.Markdown, text: str, limits: Limits) -> str | None:
    """`md.convert(text)` within `limits`, or None when a bound stopped it (logged)."""
    bound = exceeded(text, limits)
    if bound is None:
        try:
            html = watch(md, limits.seconds).convert(text)
            if html.count("<") <= limits.max_tags:   # raw HTML is off: every "<" is a tag
                return html
            bound = "tags"
        except RenderTimeout:
            bound = "time"
        except RecursionError:
            bound = "stack"
        except Exception:  # a parser bug on odd input: show the text, do not fail the page
            log.exception("Markdown rendering failed; the text is shown escaped")
            return None
    log.warning("Markdown text of %d characters shown escaped: over the %s bound", len(text), bound)
    return None


def render_markdown(text: str, resolver: LinkResolver | None = None, limits: Limits = AUTHOR) -> Rendered:
    """Render an author's Markdown to sanitised HTML plus a sanitised table of contents.

    Without a resolver the result depends on the text alone and is cached."""
    if resolver is None:
        return _render_cached(text, limits)
    return _render(text, resolver, limits)


@lru_cache(maxsize=128)   # a few MB at most: staff texts are capped at 50,000 characters
def _render_cached(text: str, limits: Limits) -> Rendered:
    return _render(text, None, limits)


def _render(text: str, resolver: LinkResolver | None, limits: Limits) -> Rendered:
    md = _markdown(resolver)
    html = _converted(md, text, limits)
    if html is None:
        return Rendered(html=escaped_text(text), toc_html="", has_toc=False, escaped=True)
    toc_tokens = getattr(md, "toc_tokens", [])
    return Rendered(html=sanitize(html), toc_html=sanitize(md.toc), has_toc=bool(toc_tokens))


def render_staff_markdown(text: str) -> str:
    """What staff write in the app (announcements, descriptions, minutes) to safe HTML:
    the authors' renderer under the members' bounds."""
    return render_markdown(text, limits=MEMBER).html


def render_member_markdown(text: str) -> str:
    """Render what a member wrote (a post, a comment, an essay answer) to safe HTML.

    No heading ids, footnotes, admonitions or highlighting (so no ids or classes), images
    only from this site (others are links), raw HTML shown as text, and every link
    `rel="nofollow ugc noopener"`.
    """
    html = _converted(_member_markdown(), text, MEMBER)
    return escaped_text(text) if html is None else sanitize_member(html)


render_user_markdown = render_member_markdown   # the earlier name


class MarkdownRefused(FieldError):
    """422 `invalid_field`: the text is over a bound of the renderer; the message names the field."""


def markdown_problem(text: str | None, field: str, limits: Limits = MEMBER):
    """The write-time check: None when `text` renders within `limits`, else a (lazy) message
    naming `field`. A text that passes the pre-scan is rendered once (cached for the page that
    shows it next), so one that still overruns the deadline, the stack or the tag count is
    refused too."""
    if not text:
        return None
    message = problem(text, limits, field)
    if message is None and render_markdown(text, limits=limits).escaped:
        message = _l("'%(field)s' is too long or too complex to format (too many list items, links "
                     "or emphasised words, or long runs of lines without a blank line). Shorten it "
                     "or split it into paragraphs.", field=field)
    return message


def require_renderable(text: str | None, field: str, limits: Limits = MEMBER) -> None:
    """Raise MarkdownRefused (422 `invalid_field`) unless `text` renders within `limits`."""
    message = markdown_problem(text, field, limits)
    if message is not None:
        raise MarkdownRefused(field, message)
