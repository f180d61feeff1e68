"""The authorization matrix for discussions: reading (tests/support/authorization/__init__.py
explains the table; tests/support/discussions.py's matrix_discussions makes the objects)."""
from __future__ import annotations

from tests.support.authorization.actors import LOGIN

#                                                  anonymous member other instructor staff admin
ROWS: dict = {
    # The live poll and "mark all read": whoever may read the thread or the place. The class's
    # ({class_thread}, {class}) are 404 to "other" (in no class); the course's are every reader's.
    ("reading.live", "GET"):                        (LOGIN, 200,   404,   200,   200,   200),
    ("reading.mark_class_read", "POST"):            (LOGIN, 302,   404,   302,   302,   302),
    ("reading.mark_course_read", "POST"):           (LOGIN, 302,   302,   302,   302,   302),
    ("api.read_thread", "POST"):                    (401,   200,   404,   200,   200,   200),
    ("api.read_class_threads", "POST"):             (401,   200,   404,   200,   200,   200),
    ("api.read_course_threads", "POST"):            (401,   200,   200,   200,   200,   200),
}
PATHS: dict = {
    "reading.live": "/threads/{class_thread}/live?after=0",
    "reading.mark_class_read": "/classes/{class}/threads/read",
    "reading.mark_course_read": "/courses/{course}/threads/read?unit={unit}",
    "api.read_thread": "/api/v1/threads/{class_thread}/read",
    "api.read_class_threads": "/api/v1/classes/{class}/threads/read",
    "api.read_course_threads": "/api/v1/courses/{course}/threads/read?unit={unit}",
}
FORMS: dict = {}
JSON: dict = {
    ("api.read_thread", "POST"): {"number": 1},
}
