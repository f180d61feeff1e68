"""The authorization matrix for grading's assignments part (tests/support/authorization/__init__.py
explains the table).

The world (tests/support/grading_assignments.matrix_assignments): {assignment} with the member's
submitted text {assignment_submission}, and {assignment_empty} nobody has written to. The head teacher (staff)
sets, edits, deletes and releases; the grader (instructor) and the head teacher grade; members write.
Grading: the instructor saves first with the version the world read, so staff and admin, sending
the same version after, get 409 `stale_version` (they were allowed: a refusal would be 403/404).
Deleting: staff deletes {assignment_empty}, so admin (allowed too) then finds it gone (404).
"""
from __future__ import annotations

from tests.support.authorization.actors import LOGIN

# (endpoint, method): expected status for
#                                                  anonymous member other instructor staff admin
ROWS = {
    ("assignments.index", "GET"):                   (LOGIN, 200,   404,   200,   200,   200),
    ("assignments.create", "POST"):                 (LOGIN, 403,   404,   403,   302,   302),
    ("assignments.show", "GET"):                    (LOGIN, 200,   404,   200,   200,   200),
    ("assignments.write", "POST"):                  (LOGIN, 302,   404,   403,   403,   403),
    ("assignments.edit", "GET"):                    (LOGIN, 403,   404,   403,   200,   200),
    ("assignments.edit", "POST"):                   (LOGIN, 403,   404,   403,   302,   302),
    ("assignments.delete", "POST"):                 (LOGIN, 403,   404,   403,   302,   404),
    ("assignments.release", "POST"):                (LOGIN, 403,   404,   403,   302,   302),
    ("assignments.submissions", "GET"):             (LOGIN, 403,   404,   200,   200,   200),
    ("assignments.submission", "GET"):              (LOGIN, 403,   404,   200,   200,   200),
    ("assignments.grade", "POST"):                  (LOGIN, 403,   404,   302,   409,   409),
    ("api.list_class_assignments", "GET"):          (401,   200,   404,   200,   200,   200),
    ("api.create_assignment", "POST"):              (401,   403,   404,   403,   201,   201),
    ("api.get_assignment", "GET"):                  (401,   200,   404,   200,   200,   200),
    ("api.save_submission", "PUT"):                 (401,   200,   404,   403,   403,   403),
    ("api.list_submissions", "GET"):                (401,   403,   404,   200,   200,   200),
    ("api.grade_submission", "PUT"):                (401,   403,   404,   200,   409,   409),
}

# Where each endpoint is requested; {placeholders} are filled from the World.
PATHS = {
    "assignments.index": "/classes/{class}/assignments",
    "assignments.create": "/classes/{class}/assignments",
    "assignments.show": "/assignments/{assignment}",
    "assignments.write": "/assignments/{assignment}",
    "assignments.edit": "/assignments/{assignment}/edit",
    "assignments.delete": "/assignments/{assignment_empty}/delete",
    "assignments.release": "/assignments/{assignment}/release",
    "assignments.submissions": "/assignments/{assignment}/submissions",
    "assignments.submission": "/submissions/{assignment_submission}",
    "assignments.grade": "/submissions/{assignment_submission}/grade",
    "api.list_class_assignments": "/api/v1/classes/{class}/assignments",
    "api.create_assignment": "/api/v1/classes/{class}/assignments",
    "api.get_assignment": "/api/v1/assignments/{assignment}",
    "api.save_submission": "/api/v1/assignments/{assignment}/submission",
    "api.list_submissions": "/api/v1/assignments/{assignment}/submissions",
    "api.grade_submission": "/api/v1/submissions/{assignment_submission}/grade",
}

_ASSIGNMENT = {"title": "Reflection of {actor}", "kind": "reflection", "instructions": "Write.",
               "due_at": "2026-12-01T18:00", "max_points": "10", "min_length": "0"}
FORMS = {
    ("assignments.create", "POST"): _ASSIGNMENT,
    ("assignments.edit", "POST"): _ASSIGNMENT,
    ("assignments.write", "POST"): {"body": "My reflection, submitted again.", "submit": "Submit"},
    ("assignments.grade", "POST"): {"points": "8", "comment": "Good", "version": "2"},
}
JSON = {
    ("api.create_assignment", "POST"): {"title": "Reflection of {actor}", "kind": "report",
                                        "due_at": "2026-12-01T18:00:00+08:00", "max_points": 10},
    ("api.save_submission", "PUT"): {"body": "My reflection, submitted again.", "submit": True},
    ("api.grade_submission", "PUT"): {"points": 8, "comment": "Good", "version": 2},
}
