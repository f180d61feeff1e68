"""The post boxes of a page (the thread page and the live poll show the same box, the macro
in templates/discussions/_post.html), rendered through `PostBoxes.render`.

What the boxes share (the viewer, the words in the reader's language, the links, the time
format) is worked out once per page: per post, the template's `_()`, `url_for` and
`current_user` each crossed Flask's context-local proxies (some 160 translations, 70 URLs and
300 lookups of the user for a page of 20 posts, most of the page's time).

A rendered box is kept (a bounded memo): it is a function of its key alone (the post's row,
its actions, the reader's relation to it, the language and what the page shares), so a kept
box is right for every reader with that key and nothing needs invalidating; the CSRF token,
the one part that is the reader's own, is put in after.
"""
from __future__ import annotations

import re
from functools import cached_property, lru_cache
from types import SimpleNamespace

from flask import current_app, request, url_for
from flask_babel import get_locale, get_timezone, get_translations
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from ...core.i18n import datetime_formatter
from ...core.kept import CSRF_MARK, KEEP_MAX_CHARS, KeptRenders


def N_(message: str) -> str:
    """Marks a message for the catalog (pybabel's default keywords); `box_words` translates it."""
    return message


_WORDS = {
    "deleted_account": N_("Deleted account"), "edited": N_("edited"), "accepted_answer": N_("Accepted answer"),
    "removed": N_("Post removed."), "veiled": N_("This post was hidden by a moderator."),
    "hidden": N_("Hidden by a moderator."), "reason": N_("Reason:"),
    "quote_gone": N_("The quoted post is no longer shown."),
    "quote": N_("Quote"), "edit": N_("Edit"), "history": N_("History"), "accept": N_("Accept as answer"),
    "unaccept": N_("Unmark accepted answer"), "delete": N_("Delete"),
    "delete_question": N_("Remove this post? It cannot be brought back."), "delete_confirm": N_("Remove it"),
    "report": N_("Report"), "show_again": N_("Show again"), "hide": N_("Hide"),
    "hide_reason": N_("Reason for hiding"), "new_since": N_("New since your last visit"),
}
# With the post's number: `words.post_n % {"n": row.number}` (the template's `_(..., n=...)`).
_NUMBERED = {
    "post_n": N_("Post %(n)d"), "quoting_n": N_("Quoting #%(n)d"), "quote_n": N_("Quote post %(n)d"),
    "edit_n": N_("Edit post %(n)d"), "history_n": N_("History of post %(n)d"),
    "accept_n": N_("Accept post %(n)d as the answer"), "delete_n": N_("Delete post %(n)d"),
    "post_number": N_("post #%(number)d"),
}


@lru_cache(maxsize=16)
def box_words(translations) -> SimpleNamespace:
    """The box's words in one language (a catalog: flask_babel keeps one per locale), as the
    templates' autoescaping `_()` gives them: Markup, `%` applied (so "%%" is "%")."""
    words = {name: Markup(translations.gettext(message)) % {} for name, message in _WORDS.items()}
    words.update((name, Markup(translations.gettext(message))) for name, message in _NUMBERED.items())
    return SimpleNamespace(**words)


class UrlPattern:
    """A URL that url_for (or `build`: core.notifications.site_path for the API's links) builds
    once per page, its integer arguments put in per post (building costs some 10 µs, and a box
    has up to seven links). The varying arguments are built as marker numbers no id or post
    number reaches, then split out."""

    _MARK = 4_294_967_000  # past the database's integers (2**31 - 1)

    def __init__(self, endpoint: str, varying: tuple[str, ...], *, build=url_for, **fixed) -> None:
        marks = [str(self._MARK + i) for i in range(len(varying))]
        url = build(endpoint, **fixed, **{name: self._MARK + i for i, name in enumerate(varying)})
        pieces = re.split("(" + "|".join(marks) + ")", url)
        self._texts, self._slots = pieces[0::2], [marks.index(mark) for mark in pieces[1::2]]
        if sorted(self._slots) != list(range(len(varying))):
            raise ValueError(f"{endpoint}: {varying} must each appear once in {url}")

    def __call__(self, *values: int) -> str:
        parts = [self._texts[0]]
        for slot, text in zip(self._slots, self._texts[1:], strict=True):
            parts += (str(int(values[slot])), text)  # digits: nothing to quote
        return "".join(parts)


# 512 boxes keep a few dozen pages of a class's busy threads: a few MB, at most some 16 MB with
# every box near KEEP_MAX_CHARS of Chinese text, its row in the key beside it.
KEPT = KeptRenders(size=512)


class PostBoxes:
    """The shared part of a page's post boxes. `first`, `last`: the numbers of the posts the
    page shows (a quote of one of them links within the page; 0, 0: link every quote)."""

    def __init__(self, viewer, thread, moderator: bool, *, first: int = 0, last: int = 0) -> None:
        self.viewer_id = viewer.id if getattr(viewer, "is_authenticated", False) else None
        self.thread_id, self.locked = thread.id, thread.locked
        self.moderator, self.first, self.last = moderator, first, last
        template = current_app.jinja_env.get_template("discussions/_post.html")  # a new one when it changed
        self._macro = template.module.post_item
        # Everything a box depends on besides its row, its actions and whose post it is.
        self._page = (str(get_locale()), str(get_timezone()), moderator, first, last, self.locked, self.thread_id,
                      self.viewer_id is None, request.script_root, template)

    def render_all(self, rows, actions: dict | None = None, *, first_unread: int | None = None) -> Markup:
        """The boxes of `rows` (PostRows) in their order. `actions`: PostActions by post id (none:
        the live poll's boxes); `first_unread`: the number of the reader's first unread post,
        whose box opens with the "new since your last visit" line (not on post 1)."""
        return Markup("\n".join(self.render(row, actions[row.id] if actions is not None else None,
                                             unread=row.number == first_unread and row.number > 1) for row in rows))

    def render(self, row, actions=None, *, unread: bool = False) -> Markup:
        key = (row, actions, unread, row.author_id is not None and row.author_id == self.viewer_id, self._page)
        html = KEPT.get(key)
        if html is None:
            html = self._macro(row, self, actions, unread)
            if len(html) <= KEEP_MAX_CHARS:
                KEPT.put(key, html)
        return Markup(html.replace(CSRF_MARK, self._token)) if CSRF_MARK in html else html

    @cached_property
    def _token(self) -> str:
        return generate_csrf()  # the request's one token

    # What the macro uses, built on first use: a page whose boxes are all kept needs none of it.
    csrf = CSRF_MARK  # `render` puts the reader's token in

    @cached_property
    def words(self) -> SimpleNamespace:
        return box_words(get_translations())

    @cached_property
    def when(self):
        return datetime_formatter("short")

    @cached_property
    def post_url(self) -> UrlPattern:
        return UrlPattern("discussions.goto_post", ("post_id",))

    @cached_property
    def quote_url(self) -> UrlPattern:
        """(after, post id): the thread page from `after` with the post quoted in the reply box."""
        return UrlPattern("discussions.thread", ("after", "quote"), thread_id=self.thread_id, _anchor="reply")

    @cached_property
    def edit_url(self) -> UrlPattern:
        return UrlPattern("discussions.edit_post", ("post_id",))

    @cached_property
    def history_url(self) -> UrlPattern:
        return UrlPattern("discussions.post_history", ("post_id",))

    @cached_property
    def accept_url(self) -> UrlPattern:
        return UrlPattern("discussions.accept_post", ("post_id",))

    @cached_property
    def delete_url(self) -> UrlPattern:
        return UrlPattern("discussions.delete_post", ("post_id",))

    @cached_property
    def report_url(self) -> UrlPattern:
        return UrlPattern("moderation.report_post", ("post_id",))

    @cached_property
    def hide_url(self) -> UrlPattern:
        return UrlPattern("moderation.hide_post", ("post_id",))

    @cached_property
    def unhide_url(self) -> UrlPattern:
        return UrlPattern("moderation.unhide_post", ("post_id",))
