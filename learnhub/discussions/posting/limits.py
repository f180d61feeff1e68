"""Posting is rate limited per member: new threads, replies and edits, pages and API in one
shared scope (a member cannot double the rate by switching). DISCUSSION_POST_RATE_LIMIT
(default 6 a minute and 60 an hour) sets it; counters live where every limit's do
(RATELIMIT_STORAGE_URI / REDIS_URL). Over the limit: 429 with Retry-After, the page's or the
API's usual error body (core.errors renders it)."""
from __future__ import annotations

import time

from flask import Response, current_app
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ...extensions import limiter

SCOPE = "discussion-post"
DEFAULT_LIMIT = "6 per minute;60 per hour"


def post_rate_limit() -> str:
    return current_app.config.get("DISCUSSION_POST_RATE_LIMIT") or DEFAULT_LIMIT


def member_key() -> str:
    """Per member (their id), whatever address they post from; the address before login
    (the view then answers 401 or the login page)."""
    if getattr(current_user, "is_authenticated", False):
        return f"user:{current_user.id}"
    return f"address:{get_remote_address()}"


def retry_after(request_limit) -> Response:
    """The breach's response carries Retry-After (seconds until the window frees a post);
    core.errors keeps the header on the error page or JSON body it renders."""
    seconds = max(1, int(request_limit.reset_at - time.time()))
    return Response(status=429, headers={"Retry-After": str(seconds)})


def wrote(response) -> bool:
    """A refused request (bad input, a locked thread) does not use up the member's posts;
    a repeat of an idempotent post does (it is the same as posting again)."""
    return response.status_code < 400


# Only the writing methods count: opening the edit form is free.
limit_posting = limiter.shared_limit(post_rate_limit, scope=SCOPE, key_func=member_key,
                                     methods=["POST", "PATCH"], deduct_when=wrote, on_breach=retry_after)
