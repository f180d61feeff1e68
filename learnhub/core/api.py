"""Helpers for the JSON API: the error format, body parsing and cursor pagination."""
from __future__ import annotations

import base64
import binascii

from flask import request

from .errors import DomainError, error_response  # noqa: F401  (error_response re-exported)

# The API raises the one domain error; the name stays for readability in API views.
ApiError = DomainError


def json_body() -> dict:
    """The request's JSON object, or a 400/422 ApiError for anything else."""
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, "invalid_json", "The request body must be a JSON object.")
    if not isinstance(data, dict):
        raise ApiError(422, "invalid_body", "The request body must be a JSON object.")
    return data


def require_string(data: dict, field: str, max_length: int = 200) -> str:
    value = data.get(field)
    if not isinstance(value, str) or not value.strip():
        raise ApiError(422, "invalid_field", f"'{field}' must be a non-empty string.")
    if len(value) > max_length:
        raise ApiError(422, "invalid_field", f"'{field}' is longer than {max_length} characters.")
    return value


def page_params(default_limit: int = 20, max_limit: int = 100) -> tuple[int, int]:
    """Read ?limit= and the opaque ?cursor= (an encoded offset)."""
    raw_limit = request.args.get("limit", str(default_limit))
    try:
        limit = int(raw_limit)
    except ValueError:
        raise ApiError(400, "invalid_limit", "'limit' must be an integer.") from None
    if not 1 <= limit <= max_limit:
        raise ApiError(400, "invalid_limit", f"'limit' must be between 1 and {max_limit}.")
    cursor = request.args.get("cursor")
    offset = 0
    if cursor:
        try:
            offset = int(base64.urlsafe_b64decode(cursor.encode()).decode())
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise ApiError(400, "invalid_cursor", "'cursor' is not a cursor this API gave.") from None
        if offset < 0:
            raise ApiError(400, "invalid_cursor", "'cursor' is not a cursor this API gave.")
    return offset, limit


def page_of(items: list, offset: int, limit: int) -> dict:
    """Slice an ordered list into {"items", "next"}."""
    window = items[offset:offset + limit]
    has_more = offset + limit < len(items)
    next_cursor = base64.urlsafe_b64encode(str(offset + limit).encode()).decode() if has_more else None
    return {"items": window, "next": next_cursor}
