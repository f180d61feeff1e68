"""The authorization matrix for grading's statistics part (tests/support/authorization/__init__.py
explains the table)."""
from __future__ import annotations

from tests.support.authorization.actors import LOGIN

# (endpoint, method): expected status for
#                                                  anonymous member other instructor staff admin
# A quiz's statistics: global reviewers (instructor, staff, admin) see every attempt, narrowed
# to the matrix class with ?class=; members are refused whatever their class.
ROWS: dict = {
    ("grading_statistics.page", "GET"):             (LOGIN, 403,   403,   200,   200,   200),
    ("api.quiz_statistics", "GET"):                 (401,   403,   403,   200,   200,   200),
}

# Where each endpoint is requested; {placeholders} are filled from the World.
PATHS: dict = {
    "grading_statistics.page": "/courses/mx/quizzes/exam/statistics?attempts=all&class={class}",
    "api.quiz_statistics": "/api/v1/courses/mx/quizzes/exam/statistics?attempts=first&class={class}",
}
FORMS: dict = {}
JSON: dict = {}
