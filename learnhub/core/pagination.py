"""Keyset pagination: one helper for every API list and long page.

A page is cut in SQL by the last row's sort key (a cursor), never by an offset or by slicing
a loaded list, so a row added or removed before the cursor neither repeats nor skips a row.

    from learnhub.core.pagination import Key, paginate, page_request

    page = paginate(select(Notification).where(Notification.user_id == user.id),
                    [Key(Notification.created_at, desc=True), Key(Notification.id, desc=True)],
                    **page_request())            # ?limit= and ?cursor= (400 on bad ones)
    page.items, page.next                         # rows, and the cursor of the next page or None

The helper adds the ORDER BY itself (from `keys`); the last key must be unique (the id), so
ties in the others are broken. NULLs sort last in either direction. A single selected entity
or column gives scalars in `items`; several give named tuples of the selected columns.

A list computed in Python that no select gives (filters or sorts on computed values) pages
the same way with `page_of_sorted(items, [Key(function of an item), ...], **page_request())`.
"""
from __future__ import annotations

import base64
import binascii
import bisect
import functools
import json
from collections import namedtuple
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Sequence

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, false, or_

from .errors import DomainError
from .text import is_valid_text

DEFAULT_LIMIT, MAX_LIMIT = 20, 100
MAX_CURSOR_LENGTH = 2048
_BIGINT = 2**63


class InvalidCursor(DomainError):
    status, code = 400, "invalid_cursor"

    def __init__(self):
        super().__init__(_l("'cursor' is not a cursor this API gave."))


@dataclass(frozen=True)
class Key:
    """One sort column. `nullable` is read from the column when left out (True if unknown)."""
    expr: Any
    desc: bool = False
    nullable: bool | None = None

    @property
    def can_be_null(self) -> bool:
        if self.nullable is not None:
            return self.nullable
        return bool(getattr(getattr(self.expr, "expression", self.expr), "nullable", True))

    def order_by(self):
        clause = self.expr.desc() if self.desc else self.expr.asc()
        return clause.nulls_last() if self.can_be_null else clause

    def after(self, value):
        """Rows strictly after `value` in this key's order (NULLs last)."""
        if value is None:
            return false()  # nothing sorts after NULL in this key
        beyond = self.expr < value if self.desc else self.expr > value
        return or_(beyond, self.expr.is_(None)) if self.can_be_null else beyond

    def equals(self, value):
        return self.expr.is_(None) if value is None else self.expr == value


@dataclass
class Page:
    items: list
    next: str | None  # the cursor of the next page; None on the last page
    next_url: str | None = None  # pages only (page_for_view): the "more" link

    def as_dict(self, item=lambda row: row) -> dict:
        """The API's list shape: {"items": [...], "next": cursor or null}."""
        return {"items": [item(row) for row in self.items], "next": self.next}


# ---- cursors --------------------------------------------------------------------------------

def _encode_value(value):
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    return value


def _decode_value(raw):
    """A cursor value, or InvalidCursor for anything a cursor of ours never holds."""
    if isinstance(raw, dict) and len(raw) == 1:
        (kind, text), = raw.items()
        if not isinstance(text, str):
            raise InvalidCursor()
        try:
            if kind == "dt":
                value = datetime.fromisoformat(text)
                if value.tzinfo is None:
                    raise InvalidCursor()
                return value
            if kind == "d":
                return date.fromisoformat(text)
        except ValueError:
            raise InvalidCursor() from None
        raise InvalidCursor()
    if raw is None or isinstance(raw, (bool, float)):
        return raw
    if isinstance(raw, int) and not isinstance(raw, bool) and -_BIGINT < raw < _BIGINT:
        return raw  # beyond a bigint PostgreSQL would raise, not answer
    if isinstance(raw, str) and is_valid_text(raw):  # no NUL or lone surrogate reaches the driver
        return raw
    raise InvalidCursor()


def encode_cursor(values: Sequence) -> str:
    text = json.dumps([_encode_value(v) for v in values], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, keys: Sequence[Key]) -> list:
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise InvalidCursor()
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii") + b"=" * (-len(cursor) % 4)).decode()
        raw = json.loads(text, parse_constant=_refuse)
    except (ValueError, binascii.Error, RecursionError):  # JSON and Unicode errors are ValueErrors
        raise InvalidCursor() from None
    if not isinstance(raw, list) or len(raw) != len(keys):
        raise InvalidCursor()
    values = [_decode_value(v) for v in raw]
    for key, value in zip(keys, values, strict=True):
        if value is None and not key.can_be_null:
            raise InvalidCursor()
        if value is not None and not _fits(key, value):
            raise InvalidCursor()
    return values


def _refuse(name):
    raise ValueError(name)


def _fits(key: Key, value) -> bool:
    """The value's Python type matches the column's, where the column says which."""
    column_type = getattr(key.expr, "type", None)
    try:  # a TypeDecorator (UTCDateTime) answers for its impl
        expected = getattr(column_type, "impl", column_type).python_type
    except (AttributeError, NotImplementedError):
        return True
    if expected is float:
        return isinstance(value, (int, float))
    if expected is date:
        return type(value) is date
    return isinstance(value, expected)


# ---- the query ------------------------------------------------------------------------------

def _after(keys: Sequence[Key], values: Sequence):
    """(k1, k2, ...) strictly after (v1, v2, ...), written as OR/AND (portable, NULL-safe)."""
    branches = []
    for i, key in enumerate(keys):
        earlier = [k.equals(v) for k, v in zip(keys[:i], values[:i], strict=True)]
        branches.append(and_(*earlier, key.after(values[i])))
    return or_(*branches)


def paginate(query: Select, keys: Sequence[Key], *, limit: int = DEFAULT_LIMIT,
             cursor: str | None = None, session=None) -> Page:
    """One page of `query` ordered by `keys`, starting after `cursor` (None: the first page).

    `limit` + 1 rows are read to know whether another page follows. A bad cursor raises
    InvalidCursor (400 `invalid_cursor`)."""
    if session is None:
        from ..extensions import db
        session = db.session
    keys = list(keys)
    names = [d["name"] for d in query.column_descriptions]  # one per entity or column
    width = len(names)
    if cursor:
        query = query.where(_after(keys, decode_cursor(cursor, keys)))
    query = (query.add_columns(*(key.expr for key in keys))
             .order_by(None).order_by(*(key.order_by() for key in keys)).limit(limit + 1))
    rows = session.execute(query).all()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(list(rows[-1][width:])) if more and rows else None
    if width == 1:
        items = [row[0] for row in rows]
    else:
        shape = namedtuple("PageRow", names, rename=True)
        items = [shape(*row[:width]) for row in rows]
    return Page(items=items, next=next_cursor)


# ---- lists computed in Python ------------------------------------------------------------------

@functools.total_ordering
class _Reversed:
    """A value that sorts the other way (a descending key of any comparable type)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        return self.value == other.value

    def __lt__(self, other):
        return other.value < self.value


def _rank(keys: Sequence[Key], values: Sequence) -> tuple:
    """Sorts as `paginate`'s ORDER BY does: each key ascending or descending, NULLs last."""
    return tuple((True, 0) if value is None else (False, _Reversed(value) if key.desc else value)
                 for key, value in zip(keys, values, strict=True))


def page_of_sorted(items: Sequence, keys: Sequence[Key], *, limit: int = DEFAULT_LIMIT,
                   cursor: str | None = None, context: str = "", in_order: bool = False) -> Page:
    """One page of a list that no SQL select gives (sorted or filtered on values computed in
    Python), cut by keyset all the same: each Key's `expr` is a function of an item giving a
    JSON value (the last key unique), and the page starts after the cursor's values, so an
    item added or removed before the cursor neither repeats nor skips one. The items are
    sorted by the keys as `paginate` would; `in_order`: they already are (a long list the
    caller sorted: only the few items a binary search reads are keyed). `context` (e.g. the
    chosen sort) goes in the cursor: a cursor given under another context is a 400
    `invalid_cursor`."""
    keys = list(keys)

    def values(item) -> list:
        return [key.expr(item) for key in keys]

    def rank(item) -> tuple:
        return _rank(keys, values(item))

    ordered = items if in_order else sorted(items, key=rank)
    start = 0
    if cursor:
        found = decode_cursor(cursor, [Key(None, nullable=True), *keys])
        if found[0] != context:
            raise InvalidCursor()
        try:
            start = bisect.bisect_right(ordered, _rank(keys, found[1:]), key=rank)
        except TypeError:  # a value of another type than the key's (a forged cursor)
            raise InvalidCursor() from None
    window = list(ordered[start:start + limit])
    more = start + limit < len(ordered)
    return Page(items=window, next=encode_cursor([context, *values(window[-1])]) if more and window else None)


# ---- reading the request --------------------------------------------------------------------

def page_request(cursor_arg: str = "cursor", default_limit: int = DEFAULT_LIMIT,
                 max_limit: int = MAX_LIMIT) -> dict:
    """`limit` and `cursor` from the query string, for `paginate(..., **page_request())`.
    400 `invalid_limit` for a limit that is not an integer in 1..max_limit."""
    raw = request.args.get("limit", str(default_limit))
    try:
        limit = int(raw)
    except ValueError:
        raise DomainError(400, "invalid_limit", _l("'limit' must be an integer.")) from None
    if not 1 <= limit <= max_limit:
        raise DomainError(400, "invalid_limit", _l("'limit' must be between 1 and %(n)d.", n=max_limit))
    return {"limit": limit, "cursor": request.args.get(cursor_arg) or None}


def page_for_view(query: Select, keys: Sequence[Key], default_limit: int = DEFAULT_LIMIT) -> Page:
    """A page for a server-rendered list, paged by `?after=`: `page.next_url` is the "more"
    link (the same view and arguments, the next cursor), or None on the last page."""
    page = paginate(query, keys, **page_request("after", default_limit))
    page.next_url = next_page_url(page.next)
    return page


def next_page_url(cursor: str | None, arg: str = "after") -> str | None:
    if cursor is None:
        return None
    args = {k: v for k, v in request.args.items() if k != arg}
    return url_for(request.endpoint, **(request.view_args or {}), **args, **{arg: cursor})
