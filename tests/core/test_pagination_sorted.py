"""Keyset pages of a list computed in Python (core.pagination.page_of_sorted): the order
paginate's ORDER BY gives (descending keys, NULLs last either way), cursors that survive
items added or removed before them, and forged cursors refused."""
from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter

import pytest

from learnhub.core.pagination import InvalidCursor, Key, encode_cursor, page_of_sorted


@dataclass
class Row:
    name: str
    score: float | None


KEYS = [Key(attrgetter("score"), desc=True), Key(attrgetter("name"))]


def walk(rows, keys=KEYS, limit=2, context=""):
    pages, cursor = [], None
    while True:
        page = page_of_sorted(rows, keys, limit=limit, cursor=cursor, context=context)
        pages.append([row.name for row in page.items])
        if page.next is None:
            return pages
        cursor = page.next


def test_descending_with_nulls_last_and_ties_broken_by_the_last_key():
    rows = [Row("e", None), Row("b", 50.0), Row("a", 50.0), Row("d", 90.5), Row("c", None)]
    assert walk(rows) == [["d", "a"], ["b", "c"], ["e"]]
    assert walk(rows, limit=10) == [["d", "a", "b", "c", "e"]]
    assert walk([]) == [[]]


def test_a_row_added_or_removed_before_the_cursor_neither_repeats_nor_skips_one():
    rows = [Row(name, score) for name, score in (("a", 9), ("b", 8), ("c", 7), ("d", 6))]
    first = page_of_sorted(rows, KEYS, limit=2)
    assert [r.name for r in first.items] == ["a", "b"]
    changed = [Row("new", 10), *rows[2:]]  # one added before the cursor, "a" and "b" gone
    second = page_of_sorted(changed, KEYS, limit=2, cursor=first.next)
    assert [r.name for r in second.items] == ["c", "d"] and second.next is None


def test_a_cursor_of_another_context_or_of_another_type_is_refused():
    rows = [Row(str(n), n) for n in range(5)]
    cursor = page_of_sorted(rows, KEYS, limit=2, context="-score").next
    assert [r.name for r in page_of_sorted(rows, KEYS, limit=2, cursor=cursor, context="-score").items] == ["2", "1"]
    for bad in (cursor, encode_cursor(["-score", "text", "1"]), encode_cursor(["-score", 1]), "%%%"):
        with pytest.raises(InvalidCursor):
            page_of_sorted(rows, KEYS, limit=2, cursor=bad, context="score" if bad == cursor else "-score")


def test_a_long_list_in_order_already_is_keyed_only_where_the_search_reads():
    rows = sorted((Row(f"r{n:03d}", float(n % 7) if n % 5 else None) for n in range(300)),
                  key=lambda r: (r.score is None, -(r.score or 0), r.name))
    read = []
    keys = [Key(lambda row: read.append(row) or row.score, desc=True), Key(attrgetter("name"))]
    pages, cursor = [], None
    while True:
        read.clear()
        page = page_of_sorted(rows, keys, limit=40, cursor=cursor, in_order=True)
        assert len(read) <= 12  # a binary search and the last item, not 300
        pages += page.items
        if page.next is None:
            break
        cursor = page.next
    assert pages == rows
    assert walk(list(reversed(rows)), limit=40) == walk(rows, limit=40)
