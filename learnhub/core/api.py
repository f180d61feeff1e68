"""Helpers for the JSON API: the error type and strict body parsing (pagination: core.pagination)."""
from __future__ import annotations

import json

from flask import g, request
from flask_babel import lazy_gettext as _l

from .errors import DomainError, error_response  # noqa: F401  (error_response re-exported)
from .text import invalid_text_error, invalid_text_path

# The API raises the one domain error; the name stays for readability in API views.
ApiError = DomainError

# Deeper bodies are refused: no API shape nests more than a few levels.
MAX_JSON_DEPTH = 64
_UNPARSED = object()


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _depth_exceeds(data, limit: int) -> bool:
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > limit:
                return True
            stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
    return False


def _parse_body():
    """The request body as JSON, or _UNPARSED. Strict: UTF-8 only (no UTF-16/32 guessing),
    no NaN/Infinity, no RecursionError escaping for absurd nesting."""
    if not request.is_json:
        return _UNPARSED
    try:
        text = request.get_data(cache=True).decode("utf-8")
        data = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return _UNPARSED
    if _depth_exceeds(data, MAX_JSON_DEPTH):
        return _UNPARSED
    return data


def parsed_json():
    """The parsed JSON body (parsed once per request), or None when there is none or it is
    not valid JSON. Never raises: safe in rate-limit key functions and before_request."""
    if "_learnhub_json" not in g:
        g._learnhub_json = _parse_body()
    data = g._learnhub_json
    return None if data is _UNPARSED else data


def json_body() -> dict:
    """The request's JSON object, or a 400/422 ApiError for anything else.

    Every string in it (keys too, at any depth) must be clean text: 422 `invalid_text`.
    """
    data = parsed_json()
    if data is None:
        raise ApiError(400, "invalid_json", _l("The request body must be a JSON object."))
    if not isinstance(data, dict):
        raise ApiError(422, "invalid_body", _l("The request body must be a JSON object."))
    path = invalid_text_path(data)
    if path is not None:
        raise invalid_text_error(path)
    return data
