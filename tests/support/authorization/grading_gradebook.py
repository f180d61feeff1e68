"""The authorization matrix for grading's gradebook part (tests/support/authorization/__init__.py
explains the table)."""
from __future__ import annotations

from tests.support.authorization.actors import LOGIN

# (endpoint, method): expected status for
#                                                  anonymous member other instructor staff admin
# The class's staff (its grader "instructor", its head teacher "staff") and admins see the
# gradebook; a member of the class is refused (403), someone outside it does not see the class (404).
ROWS: dict = {
    ("gradebook.page", "GET"):                      (LOGIN, 403,   404,   200,   200,   200),
    ("gradebook.export", "GET"):                    (LOGIN, 403,   404,   200,   200,   200),
    ("api.get_gradebook", "GET"):                   (401,   403,   404,   200,   200,   200),
    ("api.gradebook_csv", "GET"):                   (401,   403,   404,   200,   200,   200),
    ("api.gradebook_xlsx", "GET"):                  (401,   403,   404,   200,   200,   200),
}

# Where each endpoint is requested; {placeholders} are filled from the World.
PATHS: dict = {
    "gradebook.page": "/classes/{class}/gradebook",
    "gradebook.export": "/classes/{class}/gradebook.xlsx",
    "api.get_gradebook": "/api/v1/classes/{class}/gradebook",
    "api.gradebook_csv": "/api/v1/classes/{class}/gradebook.csv",
    "api.gradebook_xlsx": "/api/v1/classes/{class}/gradebook.xlsx",
}
FORMS: dict = {}
JSON: dict = {}
