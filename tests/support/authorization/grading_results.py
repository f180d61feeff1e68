"""The authorization matrix for grading's results part (tests/support/authorization/__init__.py
explains the table)."""
from __future__ import annotations

from tests.support.authorization.actors import LOGIN

# (endpoint, method): expected status for
#                                                  anonymous member other instructor staff admin
# {exam} is the matrix class's exam; instructor is the class's grader (class staff: sees the
# results; only the head teacher releases). Admin releases after staff: already released (302
# with a message; the API's 200 says changed: false).
ROWS: dict = {
    ("grading_results.results", "GET"):             (LOGIN, 403,   404,   200,   200,   200),
    ("grading_results.export", "GET"):              (LOGIN, 403,   404,   200,   200,   200),
    ("grading_results.release", "POST"):            (LOGIN, 403,   404,   403,   302,   302),
    ("api.get_exam_results", "GET"):                (401,   403,   404,   200,   200,   200),
    ("api.exam_results_csv", "GET"):                (401,   403,   404,   200,   200,   200),
    ("api.exam_results_xlsx", "GET"):               (401,   403,   404,   200,   200,   200),
    ("api.release_exam_results", "POST"):           (401,   403,   404,   403,   200,   200),
}

# Where each endpoint is requested; {placeholders} are filled from the World.
PATHS: dict = {
    "grading_results.results": "/classes/{class}/exams/{exam}/results",
    "grading_results.export": "/classes/{class}/exams/{exam}/results.xlsx",
    "grading_results.release": "/classes/{class}/exams/{exam}/results/release",
    "api.get_exam_results": "/api/v1/classes/{class}/exams/{exam}/results",
    "api.exam_results_csv": "/api/v1/classes/{class}/exams/{exam}/results.csv",
    "api.exam_results_xlsx": "/api/v1/classes/{class}/exams/{exam}/results.xlsx",
    "api.release_exam_results": "/api/v1/classes/{class}/exams/{exam}/results/release",
}
FORMS: dict = {}
JSON: dict = {
    ("api.release_exam_results", "POST"): {"force": False},
}
