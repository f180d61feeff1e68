"""Following a keyset-paged page's rel="next" link (core.pagination.page_for_view)."""
from __future__ import annotations

import html
import re

NEXT = re.compile(r'<a href="([^"]+)" rel="next">')


def next_link(page: str) -> str | None:
    """The page's "Next page" address, or None on the last page."""
    found = NEXT.search(page)
    return html.unescape(found.group(1)) if found else None
