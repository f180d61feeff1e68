"""The authorization matrix for class announcements and their read receipts
(tests/support/authorization/__init__.py explains the table)."""
from __future__ import annotations

from tests.support.authorization.actors import LOGIN

# (endpoint, method): expected status for
#                                                  anonymous member other instructor staff admin
ROWS = {
    # Announcements: {announcement} was posted by staff (the head teacher). Delete: the author
    # or head teacher; staff deletes it first, so admin (allowed too) then finds it gone (404).
    ("announcements.index", "GET"):                 (LOGIN, 200,   404,   200,   200,   200),
    ("announcements.create", "GET"):                (LOGIN, 403,   404,   200,   200,   200),
    ("announcements.create", "POST"):               (LOGIN, 403,   404,   302,   302,   302),
    ("announcements.show", "GET"):                  (LOGIN, 200,   404,   200,   200,   200),
    ("announcements.edit", "GET"):                  (LOGIN, 403,   404,   403,   200,   200),
    ("announcements.edit", "POST"):                 (LOGIN, 403,   404,   403,   302,   302),
    ("announcements.delete", "POST"):               (LOGIN, 403,   404,   403,   302,   404),
    ("announcements.receipts", "GET"):              (LOGIN, 403,   404,   200,   200,   200),
    ("announcements.export_unread", "GET"):         (LOGIN, 403,   404,   200,   200,   200),
    ("api.list_announcements", "GET"):              (401,   200,   404,   200,   200,   200),
    ("api.create_announcement", "POST"):            (401,   403,   404,   201,   201,   201),
    ("api.read_announcement", "POST"):              (401,   200,   404,   200,   200,   200),
    ("api.announcement_receipts", "GET"):           (401,   403,   404,   200,   200,   200),
}

# Where each endpoint is requested; {placeholders} are filled from the World.
PATHS = {
    "announcements.index": "/classes/{class}/announcements",
    "announcements.create": "/classes/{class}/announcements/new",
    "announcements.show": "/announcements/{announcement}",
    "announcements.edit": "/announcements/{announcement}/edit",
    "announcements.delete": "/announcements/{announcement}/delete",
    "announcements.receipts": "/announcements/{announcement}/receipts",
    "announcements.export_unread": "/announcements/{announcement}/unread.csv",
    "api.list_announcements": "/api/v1/classes/{class}/announcements",
    "api.create_announcement": "/api/v1/classes/{class}/announcements",
    "api.read_announcement": "/api/v1/announcements/{announcement}/read",
    "api.announcement_receipts": "/api/v1/announcements/{announcement}/receipts",
}

# What the allowed actors send (page forms, API JSON bodies), so that they get the success
# the table expects.
FORMS = {
    ("announcements.create", "POST"): {"title": "Notice by {actor}", "body": "Text"},
    ("announcements.edit", "POST"): {"title": "Edited by {actor}", "body": "Text"},
}
JSON = {
    ("api.create_announcement", "POST"): {"title": "API notice by {actor}", "body": "Text"},
}
