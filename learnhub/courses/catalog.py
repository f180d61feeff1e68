"""The in-process view of content/: parsed once, re-read when a file changes.

Each worker keeps its own copy; it is derived from the files (keyed by their checksums),
so workers never need to agree on anything.
"""
from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

from flask import current_app, has_request_context, request

from ..core.markdown import Rendered, render_markdown
from .loader import UNIT_FILE, ContentTree, UnitFile, content_signature, load_tree, resolve_link

ASSETS_URL = "/courses/{course}/assets/{path}"


class ContentCatalog:
    def __init__(self, root: Path | str, reload_seconds: float = 2.0):
        self.root = Path(root)
        self.reload_seconds = reload_seconds
        self._lock = threading.Lock()
        self._tree: ContentTree | None = None
        self._signature: tuple | None = None
        self._checked_at = 0.0
        self._rendered: dict[tuple[str, str, str], Rendered] = {}  # see render()
        self._unit_pages: tuple[ContentTree | None, dict] = (None, {})  # see unit_page()

    def tree(self) -> ContentTree:
        now = time.monotonic()
        if self._tree is not None and (now - self._checked_at < self.reload_seconds or self._checked_in_request()):
            return self._tree
        with self._lock:
            signature = content_signature(self.root)
            if self._tree is None or signature != self._signature:
                self._tree = load_tree(self.root)
                self._signature = signature
            self._checked_at = now
            if has_request_context():
                request.environ[self._request_key] = True
            return self._tree

    @property
    def _request_key(self) -> str:
        return f"learnhub.content_checked.{id(self)}"

    def _checked_in_request(self) -> bool:
        """Looked at the files once in this request already: with CONTENT_RELOAD_SECONDS=0
        (the tests, an author's preview) a page asks for the index dozens of times, and a
        file changed in the middle of one request is for the next one to show."""
        return has_request_context() and request.environ.get(self._request_key, False)

    @property
    def version(self) -> int:
        """Changes whenever the tree was re-read; used to re-index the database."""
        self.tree()
        return hash(self._signature)

    def render(self, course_slug: str, body: str, checksum: str) -> Rendered:
        """`body` (a unit or course.md of `course_slug`) as sanitised HTML, cached.

        The output depends on the text and, through the link resolver, on the course its
        links and assets resolve from (and this catalog's root, fixed per instance): the
        same file copied into two courses renders twice. The key hashes the body itself,
        so a caller's checksum (of the whole file) can never pair with another text.
        """
        key = (course_slug, checksum, hashlib.sha256(body.encode("utf-8")).hexdigest())
        cached = self._rendered.get(key)
        if cached is None:
            cached = render_markdown(body, self._link_resolver(course_slug))
            if len(self._rendered) > 2000:
                self._rendered.clear()
            self._rendered[key] = cached
        return cached

    def unit_page(self, course_slug: str, unit_slug: str) -> tuple[UnitFile, Rendered] | None:
        """A unit's file and its rendered HTML, kept for as long as the tree is the same
        (a content version): a unit page looks both up by slug, without hashing the body.

        The tree and its pages are swapped as one pair, so a request still holding an older
        tree can never leave its rendering among a newer tree's pages."""
        tree = self.tree()
        pages_tree, pages = self._unit_pages
        if pages_tree is not tree:
            pages = {}
            self._unit_pages = (tree, pages)
        found = pages.get((course_slug, unit_slug))
        if found is None:
            unit_file = tree.unit(course_slug, unit_slug)
            if unit_file is None:
                return None
            found = pages[(course_slug, unit_slug)] = (
                unit_file, self.render(course_slug, unit_file.body, unit_file.checksum))
        return found

    def _link_resolver(self, course_slug: str):
        course_dir = self.root / course_slug
        root = self.root.resolve()

        def resolve(target: str) -> str:
            kind, resolved = resolve_link(self.root, course_dir, target)
            if kind == "unsafe" or kind == "escape":
                return "#"
            if kind != "local":
                return target
            fragment = "#" + target.split("#", 1)[1] if "#" in target else ""
            relative = resolved.relative_to(root).parts
            if len(relative) >= 3 and relative[1] == "assets":
                return ASSETS_URL.format(course=relative[0], path="/".join(relative[2:]))
            if len(relative) == 2 and relative[1].endswith(".md"):
                match = UNIT_FILE.match(relative[1])
                if relative[1] == "course.md":
                    return f"/courses/{relative[0]}{fragment}"
                if match:
                    return f"/courses/{relative[0]}/{match.group(2)}{fragment}"
            return "#"

        return resolve


def get_catalog() -> ContentCatalog:
    return current_app.extensions["learnhub_content"]
