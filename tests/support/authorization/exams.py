"""The authorization matrix for scheduled exams, their overrides and resets
(tests/support/authorization/__init__.py explains the table)."""
from __future__ import annotations

from tests.support.authorization.actors import LOGIN

# (endpoint, method): expected status for
#                                                  anonymous member other instructor staff admin
ROWS = {
    # Scheduled exams: {exam} (quiz mx/exam) was scheduled by staff (the head teacher). Each
    # allowed actor schedules its own quiz mx/new-<actor>; staff cancels {exam} first, so admin
    # (allowed too) then finds it gone (404).
    ("class_exams.index", "GET"):                   (LOGIN, 200,   404,   200,   200,   200),
    ("class_exams.create", "POST"):                 (LOGIN, 403,   404,   403,   302,   302),
    ("class_exams.manage", "GET"):                  (LOGIN, 403,   404,   403,   200,   200),
    ("class_exams.manage", "POST"):                 (LOGIN, 403,   404,   403,   302,   302),
    ("class_exams.override", "POST"):               (LOGIN, 403,   404,   403,   302,   302),
    ("class_exams.reset", "POST"):                  (LOGIN, 403,   404,   403,   302,   302),
    ("class_exams.cancel", "POST"):                 (LOGIN, 403,   404,   403,   302,   404),
    ("api.list_class_exams", "GET"):                (401,   200,   404,   200,   200,   200),
    ("api.create_class_exam", "POST"):              (401,   403,   404,   403,   201,   201),
    ("api.update_class_exam", "PATCH"):             (401,   403,   404,   403,   200,   200),
    ("api.cancel_class_exam", "DELETE"):            (401,   403,   404,   403,   204,   404),
    ("api.list_exam_overrides", "GET"):             (401,   403,   404,   403,   200,   200),
    ("api.set_exam_override", "PUT"):               (401,   403,   404,   403,   200,   200),
    ("api.reset_exam_attempts", "POST"):            (401,   403,   404,   403,   200,   200),
    ("api.my_exams", "GET"):                        (401,   200,   200,   200,   200,   200),
}

# Where each endpoint is requested; {placeholders} are filled from the World.
PATHS = {
    "class_exams.index": "/classes/{class}/exams",
    "class_exams.create": "/classes/{class}/exams",
    "class_exams.manage": "/classes/{class}/exams/{exam}",
    "class_exams.override": "/classes/{class}/exams/{exam}/overrides",
    "class_exams.reset": "/classes/{class}/exams/{exam}/resets",
    "class_exams.cancel": "/classes/{class}/exams/{exam}/cancel",
    "api.list_class_exams": "/api/v1/classes/{class}/exams",
    "api.create_class_exam": "/api/v1/classes/{class}/exams",
    "api.update_class_exam": "/api/v1/classes/{class}/exams/{exam}",
    "api.cancel_class_exam": "/api/v1/classes/{class}/exams/{exam}",
    "api.list_exam_overrides": "/api/v1/classes/{class}/exams/{exam}/overrides",
    "api.set_exam_override": "/api/v1/classes/{class}/exams/{exam}/overrides/member",
    "api.reset_exam_attempts": "/api/v1/classes/{class}/exams/{exam}/resets/member",
    "api.my_exams": "/api/v1/me/exams",
}

# What the allowed actors send (page forms, API JSON bodies), so that they get the success
# the table expects.
FORMS = {
    ("class_exams.create", "POST"): {"quiz": "mx/new-{actor}", "opens_at": "2026-12-01T09:00",
                                     "closes_at": "2026-12-01T11:00", "time_limit_minutes": ""},
    ("class_exams.manage", "POST"): {"window-opens_at": "2026-12-01T09:00", "window-closes_at": "2026-12-01T12:00",
                                     "window-time_limit_minutes": "30"},
    ("class_exams.override", "POST"): {"override-username": "member", "override-extra_attempts": "1",
                                       "override-reason": "Ill on the day"},
    ("class_exams.reset", "POST"): {"reset-username": "member", "reset-reason": "Wrong paper"},
}
JSON = {
    ("api.create_class_exam", "POST"): {"course": "mx", "quiz": "new-{actor}", "opens_at": "2026-12-01T09:00:00+08:00",
                                        "closes_at": "2026-12-01T11:00:00+08:00"},
    ("api.update_class_exam", "PATCH"): {"time_limit_seconds": 600},
    ("api.set_exam_override", "PUT"): {"extra_attempts": 1, "reason": "Ill on the day"},
    ("api.reset_exam_attempts", "POST"): {"reason": "Wrong paper"},
}
