"""OpenAPI paths and schemas of the staff class dashboard: GET /api/v1/classes/{id}/progress."""
from __future__ import annotations

from .openapi import BOOLEAN, ID, INTEGER, NULLABLE_NUMBER, NULLABLE_STRING, PAGE, STRING
from .openapi import _errors as errors
from .openapi import _obj as obj
from .openapi import _ok as ok
from .openapi import _operation as operation
from .openapi import _ref as ref

CLASS_ID = [{"name": "id", "in": "path", "required": True, "schema": ID}]
STATUS = {"type": "string", "enum": ["not_started", "in_progress", "complete"]}
STAGES = ["applicant", "activist", "candidate", "probationary", "full_member"]

SCHEMAS = {
    "ClassProgressEntry": obj(
        username=STRING, display_name=STRING,
        student_no={**NULLABLE_STRING, "description": "the member's student number in this class (学号)"},
        department=NULLABLE_STRING,
        stage={"type": "string", "enum": STAGES, "nullable": True},
        completed={**INTEGER, "description": "required units completed"},
        total={**INTEGER, "description": "required units of the class's courses"},
        percent={"type": "integer", "minimum": 0, "maximum": 100},
        study_seconds={**INTEGER, "description": "study time on the class's courses"},
        best_scores={"type": "object", "additionalProperties": {"type": "number"},
                     "description": "quiz slug (course/slug when two courses share one) -> best "
                                    "percent; attempts reset by staff do not count"},
        attendance_rate={**NULLABLE_NUMBER, "description": "0-1; null before any session has started"},
        status=STATUS,
        behind={**BOOLEAN, "description": "more than 10 points below the share of the term gone"}),
}

FILTERS = [
    {"name": "status", "in": "query", "schema": STATUS},
    {"name": "department", "in": "query", "schema": STRING},
    {"name": "stage", "in": "query", "schema": {"type": "string", "enum": STAGES}},
    {"name": "behind", "in": "query", "schema": {"type": "string", "enum": ["1", "0", "true", "false"]}},
    {"name": "sort", "in": "query", "schema": STRING,
     "description": "username, display_name, student_no, department, stage, completed, percent, "
                    "study_seconds, "
                    "attendance_rate, status, behind, or quiz:<slug>; '-' before it sorts descending"},
]

PATHS = {
    "/api/v1/classes/{id}/progress": {"get": operation(
        "get_class_progress",
        "Every member's progress in the class's courses (staff of the class): required units "
        "completed, study time, best quiz scores, attendance, status and behind schedule. "
        "422 invalid_filter or invalid_sort for values it does not know",
        {**ok("A page of members", obj(items={"type": "array", "items": ref("ClassProgressEntry")},
                                       next=NULLABLE_STRING)), **errors(400, 401, 403, 404, 422)},
        params=CLASS_ID + PAGE + FILTERS)},
}
