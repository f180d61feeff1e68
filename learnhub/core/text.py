"""Text that may be stored and shown: no NUL characters, no unpaired surrogates.

A JSON body can carry "\\ud800" (an unpaired UTF-16 surrogate) and any request can carry a
NUL (U+0000). Neither can be encoded as UTF-8 for a page, and PostgreSQL refuses NUL in
text columns, so both are refused where text comes in: `json_body` (every string at any
depth, keys included), query strings, form fields and URL path segments (the
`before_request` check registered by `init_app`), and the quiz types' text answers.
"""
from __future__ import annotations

import re

from flask import request
from flask_babel import lazy_gettext as _l

from .errors import DomainError

# NUL, or any surrogate code point: a valid pair is decoded to one character by json.loads,
# so a surrogate left in a Python str is always an unpaired one.
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


class InvalidText(DomainError):
    """422 `invalid_text`: the request holds a NUL or an unpaired surrogate."""

    status = 422
    code = "invalid_text"


def is_valid_text(value: str) -> bool:
    """True when `value` holds neither NUL nor an unpaired surrogate."""
    return _FORBIDDEN.search(value) is None


def invalid_text_path(data, root: str = "") -> str | None:
    """Where the first bad string is in a JSON-like value (a dotted path, keys included),
    or None when every string is clean. Iterative, so any depth is fine."""
    stack = [(root, data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if not is_valid_text(value):
                return path or "body"
        elif isinstance(value, dict):
            for key, item in value.items():
                key_path = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and not is_valid_text(key):
                    return path or "body"
                stack.append((key_path, item))
        elif isinstance(value, (list, tuple)):
            stack.extend((f"{path}.{i}" if path else str(i), item) for i, item in enumerate(value))
    return None


def _printable(field: str) -> str:
    """A field name safe to echo back in the error message."""
    return _FORBIDDEN.sub("\N{REPLACEMENT CHARACTER}", field)[:100]


def invalid_text_error(field: str) -> InvalidText:
    return InvalidText(_l("'%(field)s' contains a character that is not allowed "
                          "(a NUL character or an unpaired surrogate).", field=_printable(field)))


def require_valid_text(data, field: str = "body") -> None:
    """Raise 422 `invalid_text` when `data` (a string or a JSON-like value) holds a bad string."""
    path = invalid_text_path(data, field if isinstance(data, str) else "")
    if path is not None:
        raise invalid_text_error(path)


def _check_multidict(values) -> str | None:
    for key, value in values.items(multi=True):
        if not is_valid_text(key):
            return _printable(key)
        if isinstance(value, str) and not is_valid_text(value):
            return key
    return None


def check_request_text() -> None:
    """before_request: query strings, form fields and path segments must be clean text.

    Raises before any view (or database query) sees them; the one DomainError handler
    answers 422 `invalid_text` as JSON under /api/ and as an error page elsewhere.
    """
    field = _check_multidict(request.args)
    if field is None and request.view_args:
        field = next((name for name, value in request.view_args.items()
                      if isinstance(value, str) and not is_valid_text(value)), None)
    if field is None and request.method not in ("GET", "HEAD", "OPTIONS") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        field = _check_multidict(request.form)
    if field is not None:
        raise invalid_text_error(field)


def init_app(app) -> None:
    app.before_request(check_request_text)
