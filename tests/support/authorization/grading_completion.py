"""The authorization matrix for grading's completion part (tests/support/authorization/__init__.py
explains the table). The world's member is confirmed (by override) and holds {certificate}."""
from __future__ import annotations

from tests.support.authorization.actors import LOGIN

# (endpoint, method): expected status for
#                                                  anonymous member other instructor staff admin
ROWS: dict = {
    ("completion.index", "GET"):                    (LOGIN, 403,   404,   200,   200,   200),
    ("completion.confirm", "POST"):                 (LOGIN, 403,   404,   403,   302,   302),
    ("completion.settings", "GET"):                 (LOGIN, 403,   404,   403,   200,   200),
    ("completion.settings", "POST"):                (LOGIN, 403,   404,   403,   302,   302),
    ("api.get_completion", "GET"):                  (401,   403,   404,   200,   200,   200),
    ("api.get_completion_rules", "GET"):            (401,   403,   404,   403,   200,   200),
    ("api.update_completion_rules", "PATCH"):       (401,   403,   404,   403,   200,   200),
    ("api.confirm_completion", "POST"):             (401,   403,   404,   403,   200,   200),
}

# Where each endpoint is requested; {placeholders} are filled from the World.
PATHS: dict = {
    "completion.index": "/classes/{class}/completion",
    "completion.confirm": "/classes/{class}/completion/confirm",
    "completion.settings": "/classes/{class}/completion/settings",
    "api.get_completion": "/api/v1/classes/{class}/completion",
    "api.get_completion_rules": "/api/v1/classes/{class}/completion/rules",
    "api.update_completion_rules": "/api/v1/classes/{class}/completion/rules",
    "api.confirm_completion": "/api/v1/classes/{class}/completion/confirm",
}
FORMS: dict = {
    ("completion.confirm", "POST"): {"pick-usernames": "member", "pick-reason": "Ill, made up the work"},
    ("completion.settings", "POST"): {"weight_exam": "60", "weight_reflection": "30", "weight_attendance": "10",
                                      "min_attendance": "75", "pass_mark": "60", "final_exam": "",
                                      "require_units": "y", "require_exam_pass": "y"},
}
JSON: dict = {
    ("api.update_completion_rules", "PATCH"): {"weight_exam": 60, "weight_reflection": 30},
    ("api.confirm_completion", "POST"): {"usernames": ["member"], "reason": "Ill, made up the work"},
}
