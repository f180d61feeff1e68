"""Rate limits of typed check-in codes, shared by the check-in page and POST /api/v1/checkin.

The 6-digit short code (checkin_codes.py) can be guessed: two codes are valid at any moment,
so one guess succeeds with a chance of 2 in a million. Typed codes are therefore counted per
user and session, across the page and the API (one shared scope), CHECKIN_SHORT_CODE_RATE_LIMIT
(default 5 a minute and 15 an hour): a member who mistypes twice is not held up, and an
account guessing all day at one session (at most 24.5 hours of check-in) has well under a
1-in-1,000 chance. Scanned codes are not counted here (a forged one is never valid).
"""
from __future__ import annotations

from flask import current_app, request
from flask_login import current_user

from ...core.api import parsed_json

SCOPE = "checkin-short-code"
DEFAULT_LIMIT = "5 per minute;15 per hour"


def short_code_limit() -> str:
    return current_app.config.get("CHECKIN_SHORT_CODE_RATE_LIMIT", DEFAULT_LIMIT)


def _named_session():
    """The session a typed code names, from the JSON body or the page's form (None if none)."""
    data = parsed_json()
    if isinstance(data, dict):
        return data.get("session")
    return request.form.get("session")


def _normalised(value) -> str:
    """One key per session however its id is written ("5", "05", " 5"): the view reads it
    with int() too, so a spelling never buys a fresh budget."""
    if isinstance(value, bool):
        return "invalid"
    try:
        return str(int(value))
    except (TypeError, ValueError, OverflowError):
        return "invalid"


def short_code_key() -> str:
    user = current_user.id if current_user.is_authenticated else "anonymous"
    return f"checkin-short:{user}:{_normalised(_named_session())}"


def not_a_typed_code() -> bool:
    """Exempt requests that carry no typed code (a scanned code's {"code"} alone)."""
    data = parsed_json()
    if request.path.startswith("/api/"):
        return not (isinstance(data, dict) and "session" in data)
    return request.method != "POST"
