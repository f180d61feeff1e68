"""The authorization matrix for courses, units, progress and quizzes
(tests/support/authorization/__init__.py explains the table)."""
from __future__ import annotations

from tests.support.authorization.actors import LOGIN

# (endpoint, method): expected status for
#                                                  anonymous member other instructor staff admin
ROWS = {
    ("courses.home", "GET"):                        (LOGIN, 200,   200,   200,   200,   200),
    ("courses.course", "GET"):                      (LOGIN, 200,   200,   200,   200,   200),
    ("courses.unit", "GET"):                        (LOGIN, 200,   200,   200,   200,   200),
    ("progress.complete", "POST"):                  (LOGIN, 302,   302,   302,   302,   302),
    ("progress.uncomplete", "POST"):                (LOGIN, 302,   302,   302,   302,   302),
    ("courses.asset", "GET"):                       (LOGIN, 200,   200,   200,   200,   200),
    ("quizzes.intro", "GET"):                       (LOGIN, 200,   200,   200,   200,   200),
    ("quizzes.start", "POST"):                      (LOGIN, 302,   302,   302,   302,   302),
    ("quizzes.attempt_page", "GET"):                (LOGIN, 200,   404,   200,   200,   200),
    ("quizzes.submit", "POST"):                     (LOGIN, 302,   404,   403,   403,   403),
    ("quizzes.my_attempts", "GET"):                 (LOGIN, 200,   200,   200,   200,   200),
    ("quizzes.quiz_attempts", "GET"):               (LOGIN, 403,   403,   200,   200,   200),
    ("quizzes.accommodations", "GET"):              (LOGIN, 403,   403,   403,   200,   200),
    ("quizzes.accommodations", "POST"):             (LOGIN, 403,   403,   403,   302,   302),
    ("api.list_courses", "GET"):                    (401,   200,   200,   200,   200,   200),
    ("api.get_course", "GET"):                      (401,   200,   200,   200,   200,   200),
    ("api.get_unit", "GET"):                        (401,   200,   200,   200,   200,   200),
    ("api.complete_unit", "POST"):                  (401,   200,   200,   200,   200,   200),
    ("api.uncomplete_unit", "DELETE"):              (401,   200,   200,   200,   200,   200),
    ("api.unit_heartbeat", "POST"):                 (401,   200,   200,   200,   200,   200),
    ("api.get_quiz", "GET"):                        (401,   200,   200,   200,   200,   200),
    ("api.start_attempt", "POST"):                  (401,   200,   201,   201,   201,   201),
    ("api.get_attempt", "GET"):                     (401,   200,   404,   200,   200,   200),
    ("api.save_answer", "PUT"):                     (401,   200,   404,   403,   403,   403),
    ("api.submit_attempt", "POST"):                 (401,   200,   404,   403,   403,   403),
    ("api.record_event", "POST"):                   (401,   200,   404,   403,   403,   403),
    ("api.list_my_progress", "GET"):                (401,   200,   200,   200,   200,   200),  # own only
}

# Where each endpoint is requested; {placeholders} are filled from the World.
PATHS = {
    "courses.home": "/",
    "courses.course": "/courses/mx",
    "courses.unit": "/courses/mx/intro",
    "progress.complete": "/courses/mx/manual/complete",
    "progress.uncomplete": "/courses/mx/manual/uncomplete",
    "courses.asset": "/courses/mx/assets/dot.svg",
    "quizzes.intro": "/courses/mx/quizzes/every-type",
    "quizzes.start": "/courses/mx/quizzes/every-type/start",
    "quizzes.attempt_page": "/attempts/{attempt}",
    "quizzes.submit": "/attempts/{attempt}/submit",
    "quizzes.my_attempts": "/my/attempts",
    "quizzes.quiz_attempts": "/courses/mx/quizzes/every-type/attempts",
    "quizzes.accommodations": "/staff/accommodations",
    "api.list_courses": "/api/v1/courses",
    "api.get_course": "/api/v1/courses/mx",
    "api.get_unit": "/api/v1/courses/mx/units/intro",
    "api.complete_unit": "/api/v1/courses/mx/units/manual/complete",
    "api.uncomplete_unit": "/api/v1/courses/mx/units/manual/complete",
    "api.unit_heartbeat": "/api/v1/courses/mx/units/intro/heartbeat",
    "api.get_quiz": "/api/v1/courses/mx/quizzes/every-type",
    "api.start_attempt": "/api/v1/courses/mx/quizzes/every-type/attempts",
    "api.get_attempt": "/api/v1/attempts/{attempt}",
    "api.save_answer": "/api/v1/attempts/{attempt}/answers/{question}",
    "api.submit_attempt": "/api/v1/attempts/{attempt}/submit",
    "api.record_event": "/api/v1/attempts/{attempt}/events",
    "api.list_my_progress": "/api/v1/progress",
}

# What the allowed actors send (page forms, API JSON bodies), so that they get the success
# the table expects.
FORMS = {
    ("quizzes.accommodations", "POST"): {"username": "member", "factor": "1.5"},
}
JSON = {
    ("api.save_answer", "PUT"): {"response": "{option}"},
    ("api.record_event", "POST"): {"kind": "focus_lost"},
    ("api.unit_heartbeat", "POST"): {"visible_seconds": 30},
}
