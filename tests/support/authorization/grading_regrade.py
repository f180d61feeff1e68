"""The authorization matrix for grading's regrade part (tests/support/authorization/__init__.py
explains the table)."""
from __future__ import annotations

from tests.support.authorization.actors import LOGIN

# (endpoint, method): expected status for
#                                                  anonymous member other instructor staff admin
# Accepting a response and regrading change every class's attempts at the quiz: global staff,
# instructors and admins only (the quiz mx/every-type; its short question is number 4 in the file).
# Accepting twice or regrading again changes nothing more, so each allowed actor succeeds.
ROWS = {
    ("regrade.responses", "GET"):                   (LOGIN, 403,   403,   200,   200,   200),
    ("regrade.preview_accept", "GET"):              (LOGIN, 403,   403,   200,   200,   200),
    ("regrade.accept", "POST"):                     (LOGIN, 403,   403,   302,   302,   302),
    ("regrade.regrade", "GET"):                     (LOGIN, 403,   403,   200,   200,   200),
    ("regrade.regrade", "POST"):                    (LOGIN, 403,   403,   302,   302,   302),
    ("api.accept_response", "POST"):                (401,   403,   403,   200,   200,   200),
    ("api.regrade_quiz", "POST"):                   (401,   403,   403,   200,   200,   200),
}

# Where each endpoint is requested; {placeholders} are filled from the World.
PATHS = {
    "regrade.responses": "/courses/mx/quizzes/every-type/responses",
    "regrade.preview_accept": "/courses/mx/quizzes/every-type/responses/preview?question=4&response=Pekin&fraction=1",
    "regrade.accept": "/courses/mx/quizzes/every-type/responses/accept",
    "regrade.regrade": "/courses/mx/quizzes/every-type/regrade",
    "api.accept_response": "/api/v1/courses/mx/quizzes/every-type/questions/4/accept",
    "api.regrade_quiz": "/api/v1/courses/mx/quizzes/every-type/regrade",
}
FORMS = {
    ("regrade.accept", "POST"): {"question": "4", "response": "Pekin", "fraction": "0.5"},
}
JSON = {
    ("api.accept_response", "POST"): {"response": "Pekin", "fraction": 0.5, "dry_run": False},
    ("api.regrade_quiz", "POST"): {"dry_run": False},
}
