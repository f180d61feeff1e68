"""The authorization matrix for discussions: subscriptions (tests/support/authorization/__init__.py
explains the table; tests/support/discussions.py's matrix_discussions makes the objects)."""
from __future__ import annotations

from tests.support.authorization.actors import LOGIN

# {class_thread} is the member's thread in {class}: its members and staff (and admins) may read,
# so follow it; "other" (in no class) may not even see it (404). Following is idempotent, so
# the actors' rows do not disturb each other.
#                                                  anonymous member other instructor staff admin
ROWS: dict = {
    ("subscriptions.follow", "POST"):               (LOGIN, 302,   404,   302,       302,  302),
    ("subscriptions.unfollow", "POST"):             (LOGIN, 302,   404,   302,       302,  302),
    ("api.follow_thread", "POST"):                  (401,   200,   404,   200,       200,  200),
    ("api.unfollow_thread", "DELETE"):              (401,   200,   404,   200,       200,  200),
}
PATHS: dict = {
    "subscriptions.follow": "/threads/{class_thread}/follow",
    "subscriptions.unfollow": "/threads/{class_thread}/unfollow",
    "api.follow_thread": "/api/v1/threads/{class_thread}/follow",
    "api.unfollow_thread": "/api/v1/threads/{class_thread}/follow",
}
FORMS: dict = {}
JSON: dict = {}
