"""The authorization matrix for discussions: moderation (tests/support/authorization/__init__.py
explains the table; tests/support/discussions.py's matrix_discussions makes the objects)."""
from __future__ import annotations

from tests.support.authorization.actors import LOGIN

# {thread} is the member's question on course mx: its moderators are the global instructors and
# staff (and admins); members read it, so they get 403. Each action succeeds for every
# moderator in turn (the second finds it done already: nothing changes, the same redirect).
# Reports: any reader but the author ({member_reply} is the member's own: 422), once each.
# The queue is for accounts that may moderate. {report} is target's report of {member_reply}:
# the instructor resolves it, staff and admin then find it closed (409).
#                                                  anonymous member other instructor staff admin
ROWS = {
    ("moderation.pin_thread", "POST"):              (LOGIN, 403,   403,   302,   302,   302),
    ("moderation.unpin_thread", "POST"):            (LOGIN, 403,   403,   302,   302,   302),
    ("moderation.lock_thread", "POST"):             (LOGIN, 403,   403,   302,   302,   302),
    ("moderation.unlock_thread", "POST"):           (LOGIN, 403,   403,   302,   302,   302),
    ("moderation.hide_thread", "POST"):             (LOGIN, 403,   403,   302,   302,   302),
    ("moderation.unhide_thread", "POST"):           (LOGIN, 403,   403,   302,   302,   302),
    ("moderation.move_thread", "GET"):              (LOGIN, 403,   403,   200,   200,   200),
    ("moderation.move_thread", "POST"):             (LOGIN, 403,   403,   302,   302,   302),
    ("moderation.hide_post", "POST"):               (LOGIN, 403,   403,   302,   302,   302),
    ("moderation.unhide_post", "POST"):             (LOGIN, 403,   403,   302,   302,   302),
    ("moderation.report_post", "GET"):              (LOGIN, 200,   200,   200,   200,   200),
    ("moderation.report_post", "POST"):             (LOGIN, 302,   302,   302,   302,   302),
    ("moderation.reports", "GET"):                  (LOGIN, 403,   403,   200,   200,   200),
    ("moderation.resolve_report", "POST"):          (LOGIN, 403,   403,   302,   409,   409),
    ("api.moderate_thread", "PATCH"):               (401,   403,   403,   200,   200,   200),
    ("api.report_post", "POST"):                    (401,   422,   201,   201,   201,   201),
    ("api.hide_post", "POST"):                      (401,   403,   403,   200,   200,   200),
    ("api.unhide_post", "POST"):                    (401,   403,   403,   200,   200,   200),
    ("api.list_reports", "GET"):                    (401,   403,   403,   200,   200,   200),
    ("api.resolve_report", "POST"):                 (401,   403,   403,   200,   409,   409),
}

PATHS = {
    "moderation.pin_thread": "/threads/{thread}/pin",
    "moderation.unpin_thread": "/threads/{thread}/unpin",
    "moderation.lock_thread": "/threads/{thread}/lock",
    "moderation.unlock_thread": "/threads/{thread}/unlock",
    "moderation.hide_thread": "/threads/{thread}/hide",
    "moderation.unhide_thread": "/threads/{thread}/unhide",
    "moderation.move_thread": "/threads/{thread}/move",
    "moderation.hide_post": "/posts/{reply}/hide",
    "moderation.unhide_post": "/posts/{reply}/unhide",
    "moderation.report_post": "/posts/{reply}/report",
    "moderation.reports": "/discussions/reports",
    "moderation.resolve_report": "/reports/{report}/resolve",
    "api.moderate_thread": "/api/v1/threads/{thread}",
    "api.report_post": "/api/v1/posts/{member_reply}/report",
    "api.hide_post": "/api/v1/posts/{reply}/hide",
    "api.unhide_post": "/api/v1/posts/{reply}/unhide",
    "api.list_reports": "/api/v1/reports",
    "api.resolve_report": "/api/v1/reports/{report}/resolve",
}
FORMS = {
    ("moderation.hide_thread", "POST"): {"reason": "Off topic ({actor})"},
    ("moderation.move_thread", "POST"): {"unit": ""},
    ("moderation.hide_post", "POST"): {"reason": "Rude ({actor})"},
    ("moderation.report_post", "POST"): {"reason": "Looks like spam ({actor})"},
    ("moderation.resolve_report", "POST"): {"resolution": "dismissed"},
}
JSON = {
    ("api.moderate_thread", "PATCH"): {"pinned": True, "locked": True, "reason": "Settled ({actor})"},
    ("api.report_post", "POST"): {"reason": "Looks like spam ({actor})"},
    ("api.hide_post", "POST"): {"reason": "Rude ({actor})"},
    ("api.unhide_post", "POST"): {"reason": "Reconsidered"},
    ("api.resolve_report", "POST"): {"resolution": "dismissed"},
}
