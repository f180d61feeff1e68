"""Tokens for search, made the same way for what is indexed and for what is asked.

STUB written by the skeleton: the search part replaces it (character bigrams for Chinese,
lower-cased words for the rest). Its signature is promised to the posting part.
"""
from __future__ import annotations


def search_text(title: str | None, body: str) -> str:
    """The `posts.search_text` of a post (post 1 passes its thread's title too)."""
    return ""
