"""Keyset pagination (core/pagination.py) on a table of the test's own, SQLite and PostgreSQL."""
from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, delete, insert, select

from learnhub.core.errors import DomainError
from learnhub.core.pagination import InvalidCursor, Key, encode_cursor, page_for_view, page_request, paginate
from learnhub.core.types import UTCDateTime

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)
meta = MetaData()
items = Table("test_keyset_items", meta,
              Column("id", Integer, primary_key=True, autoincrement=False),
              Column("score", Integer, nullable=True),
              Column("name", String(20), nullable=False),
              Column("at", UTCDateTime, nullable=False))


@pytest.fixture
def table(app, db):
    meta.drop_all(db.engine)
    meta.create_all(db.engine)
    yield items
    db.session.rollback()
    meta.drop_all(db.engine)


def add(db, *rows):
    db.session.execute(insert(items), [{"name": f"n{r['id']}", "at": T0 + timedelta(minutes=r["id"]), **r}
                                       for r in rows])
    db.session.flush()


def walk(query, keys, limit):
    """Every page from the first, following `next`; returns the ids page by page."""
    pages, cursor = [], None
    while True:
        page = paginate(query, keys, limit=limit, cursor=cursor)
        pages.append([row.id for row in page.items])
        if page.next is None:
            return pages
        cursor = page.next


def test_pages_follow_one_another_without_gaps_ascending(db, table):
    add(db, *({"id": i, "score": i % 3} for i in range(1, 12)))
    pages = walk(select(items), [Key(items.c.id)], 4)
    assert pages == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11]]


def test_descending_with_ties_broken_by_id(db, table):
    add(db, *({"id": i, "score": i % 3} for i in range(1, 10)))
    keys = [Key(items.c.score, desc=True, nullable=False), Key(items.c.id, desc=True)]
    flat = [i for page in walk(select(items), keys, 2) for i in page]
    assert flat == [8, 5, 2, 7, 4, 1, 9, 6, 3]  # score 2, then 1, then 0; ids down within a score


def test_mixed_directions(db, table):
    add(db, *({"id": i, "score": i % 2} for i in range(1, 7)))
    keys = [Key(items.c.score), Key(items.c.id, desc=True)]
    assert [i for p in walk(select(items), keys, 4) for i in p] == [6, 4, 2, 5, 3, 1]


def test_nulls_sort_last_in_either_direction_and_pages_cross_them(db, table):
    add(db, {"id": 1, "score": 5}, {"id": 2, "score": None}, {"id": 3, "score": 1},
        {"id": 4, "score": None}, {"id": 5, "score": 5}, {"id": 6, "score": None})
    up = [i for p in walk(select(items), [Key(items.c.score), Key(items.c.id)], 2) for i in p]
    assert up == [3, 1, 5, 2, 4, 6]
    down = [i for p in walk(select(items), [Key(items.c.score, desc=True), Key(items.c.id)], 2) for i in p]
    assert down == [1, 5, 3, 2, 4, 6]


def test_a_row_added_or_removed_before_the_cursor_neither_repeats_nor_skips(db, table):
    add(db, *({"id": i * 10} for i in range(1, 7)))  # 10..60
    keys = [Key(items.c.id, desc=True)]
    first = paginate(select(items), keys, limit=2)
    assert [r.id for r in first.items] == [60, 50]
    add(db, {"id": 70}, {"id": 55})          # newer than the cursor: belongs to earlier pages
    db.session.execute(delete(items).where(items.c.id == 60))  # a row already shown goes
    second = paginate(select(items), keys, limit=2, cursor=first.next)
    assert [r.id for r in second.items] == [40, 30]
    add(db, {"id": 35})                      # after the cursor: shown where it belongs
    db.session.execute(delete(items).where(items.c.id == 20))
    third = paginate(select(items), keys, limit=2, cursor=second.next)
    assert [r.id for r in third.items] == [10] and third.next is None


def test_datetime_keys_round_trip_through_the_cursor(db, table):
    add(db, *({"id": i} for i in range(1, 6)))
    keys = [Key(items.c.at, desc=True), Key(items.c.id, desc=True)]
    assert walk(select(items), keys, 2) == [[5, 4], [3, 2], [1]]


def test_the_callers_filter_and_entity_shape_are_kept(db, table):
    add(db, *({"id": i, "score": i % 2} for i in range(1, 9)))
    page = paginate(select(items.c.id).where(items.c.score == 1), [Key(items.c.id)], limit=3)
    assert page.items == [1, 3, 5]  # one selected column: scalars
    assert paginate(select(items.c.id).where(items.c.score == 1), [Key(items.c.id)], limit=3,
                    cursor=page.next).items == [7]
    page = paginate(select(items.c.name, items.c.id), [Key(items.c.id)], limit=1)
    assert page.items[0].name == "n1" and tuple(page.items[0]) == ("n1", 1)
    assert page.as_dict(lambda row: row.name) == {"items": ["n1"], "next": page.next}


def test_an_exact_last_page_has_no_next(db, table):
    add(db, *({"id": i} for i in range(1, 5)))
    page = paginate(select(items), [Key(items.c.id)], limit=4)
    assert len(page.items) == 4 and page.next is None
    assert paginate(select(items), [Key(items.c.id)], limit=4).next is None


def _raw(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


@pytest.mark.parametrize("cursor", [
    "not base64!", "////", _raw("nope"), _raw([1, 2]), _raw([]), _raw(["x"]), _raw([None]),
    _raw([2**70]), _raw([{"dt": "2026-01-01T00:00:00"}]), _raw([{"zz": 1}]), _raw([1.5e999]),
    base64.urlsafe_b64encode(b"\xff\xfe").decode(), _raw(["a\u0000b"]), "A" * 5000,
    base64.urlsafe_b64encode(b'[NaN]').decode(),
])
def test_bad_cursors_are_400_invalid_cursor(db, table, cursor):
    add(db, {"id": 1})
    with pytest.raises(InvalidCursor) as caught:
        paginate(select(items), [Key(items.c.id)], limit=2, cursor=cursor)
    assert caught.value.status == 400 and caught.value.code == "invalid_cursor"


def test_a_cursor_of_the_wrong_type_for_a_datetime_key_is_refused(db, table):
    keys = [Key(items.c.at), Key(items.c.id)]
    with pytest.raises(InvalidCursor):
        paginate(select(items), keys, cursor=encode_cursor(["yesterday", 1]))
    with pytest.raises(InvalidCursor):
        paginate(select(items), keys, cursor=encode_cursor([T0.date(), 1]))


@pytest.mark.parametrize(("query", "code"), [
    ("limit=0", "invalid_limit"), ("limit=101", "invalid_limit"), ("limit=x", "invalid_limit"),
])
def test_bad_limits(app, query, code):
    with app.test_request_context(f"/?{query}"), pytest.raises(DomainError) as caught:
        page_request()
    assert caught.value.status == 400 and caught.value.code == code


def test_page_request_defaults_and_names_its_cursor_argument(app):
    with app.test_request_context("/?after=abc&limit=5"):
        assert page_request() == {"limit": 5, "cursor": None}
        assert page_request("after") == {"limit": 5, "cursor": "abc"}
    with app.test_request_context("/"):
        assert page_request() == {"limit": 20, "cursor": None}


def test_page_for_view_links_the_next_page_with_after(app, db, table):
    add(db, *({"id": i} for i in range(1, 6)))
    with app.test_request_context("/notifications?limit=2&x=1"):  # matched: the page's endpoint
        page = page_for_view(select(items), [Key(items.c.id)])
    assert [r.id for r in page.items] == [1, 2]
    assert page.next_url.startswith("/notifications?") and f"after={page.next}" in page.next_url
    assert "limit=2" in page.next_url and "x=1" in page.next_url
