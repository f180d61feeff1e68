"""The authorization matrix for grading's marking part (tests/support/authorization/__init__.py
explains the table)."""
from __future__ import annotations

from tests.support.authorization.actors import LOGIN

# (endpoint, method): expected status for
#                                                  anonymous member other instructor staff admin
ROWS: dict = {
    # The member sat the essay exam (world.matrix_grading): its essay waits in {grading_group}.
    # The queue's page POST sends no points (nothing saved: the same 302 for every allowed actor).
    ("marking.overview", "GET"):                    (LOGIN, 403,   404,   200,   200,   200),
    ("marking.group", "GET"):                       (LOGIN, 403,   404,   200,   200,   200),
    ("marking.grade_group", "POST"):                (LOGIN, 403,   404,   302,   302,   302),
    # Grading one answer at version 1: the instructor (the class's grader) saves first, so the
    # head teacher's and the admin's version is stale (409 stale_version): allowed, but too late.
    ("marking.grade_answer", "POST"):               (LOGIN, 403,   404,   302,   409,   409),
    ("api.grading_queue", "GET"):                   (401,   403,   404,   200,   200,   200),
    ("api.grade_answer", "PUT"):                    (401,   403,   404,   200,   409,   409),
}

# Where each endpoint is requested; {placeholders} are filled from the World.
PATHS: dict = {
    "marking.overview": "/classes/{class}/grading",
    "marking.group": "/classes/{class}/grading/{grading_group}",
    "marking.grade_group": "/classes/{class}/grading/{grading_group}",
    "marking.grade_answer": "/answers/{essay_answer}/grade",
    "api.grading_queue": "/api/v1/classes/{class}/grading/queue",
    "api.grade_answer": "/api/v1/answers/{auto_answer}/grade",
}
FORMS: dict = {
    ("marking.grade_group", "POST"): {"item": "answer-{essay_answer}"},  # no points: nothing to save
    ("marking.grade_answer", "POST"): {"points": "1", "comment": "Good", "version": "1"},
}
JSON: dict = {
    ("api.grade_answer", "PUT"): {"points": 0, "version": 1, "reason": "The key was wrong"},
}
