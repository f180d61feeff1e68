"""/api/v1 discussions: search (API.md, Discussions). Written by the search part."""
from __future__ import annotations

from typing import Optional

from flask_login import current_user
from pydantic import Field

from ..core.pagination import page_request
from ..discussions.search import services as rules
from . import bp
from .schema import ApiDateTime, Out, Page, PageQuery, declare

TAGS = ("discussions",)


class SearchQuery(PageQuery):
    q: str = Field(description=f"what to find (at most {rules.QUERY_MAX} characters, {rules.TERMS_MAX} "
                               "words): a phrase, Chinese included, found inside longer sentences; one or "
                               "two characters are found anywhere in a post or a thread's title")


class SearchAuthor(Out):
    username: str
    display_name: str


class SearchHit(Out):
    """SearchHit"""

    kind: str = Field(description='always "post": a match in a thread\'s title is its first post\'s')
    thread_id: int
    title: str = Field(description="the thread's title")
    post_id: int
    number: int = Field(description="the post's number in its thread (1: the thread's first post)")
    author: Optional[SearchAuthor] = Field(description="null once the author's account is gone")
    created_at: ApiDateTime
    snippet: str = Field(description="plain text around the first match")
    snippet_html: str = Field(description="the snippet escaped, the match inside <mark>")
    url: str = Field(description="the post's page (/posts/{id} redirects into its thread)")


def hit_out(result: rules.SearchResult) -> dict:
    author = ({"username": result.author_username, "display_name": result.author_name}
              if result.author_username else None)
    return {"kind": "post", "thread_id": result.thread_id, "title": result.title, "post_id": result.post_id,
            "number": result.number, "author": author, "created_at": result.created_at,
            "snippet": result.snippet, "snippet_html": str(result.snippet_html), "url": result.url}


@bp.get("/search")
@declare("Posts the caller may read that match `q`, newest first (hidden and deleted posts and "
         "hidden threads are never found)", query=SearchQuery, responses={200: Page[SearchHit]},
         errors=(400,), tags=TAGS)
def search_discussions(query: SearchQuery):
    """422 `invalid_field` (`q`) for a blank query, one over 100 characters or 32 words."""
    page = rules.search(current_user, query.q, **page_request())
    page.items = [hit_out(result) for result in page.items]
    return page
