"""OpenAPI paths and schemas of scheduled exams (merged by api.openapi.document)."""
from __future__ import annotations

from .openapi import BOOLEAN, ID, INTEGER, NULLABLE_INTEGER, NULLABLE_STRING, PAGE, STRING
from .openapi import _errors as errors
from .openapi import _obj as obj
from .openapi import _ok as ok
from .openapi import _operation as operation
from .openapi import _ref as ref

CLASS_ID = [{"name": "id", "in": "path", "required": True, "schema": ID}]
EXAM = CLASS_ID + [{"name": "exam", "in": "path", "required": True, "schema": ID}]
MEMBER = EXAM + [{"name": "username", "in": "path", "required": True,
                  "schema": {"type": "string", "maxLength": 64}}]
TIME = {"type": "string", "format": "date-time", "description": "ISO 8601 with an offset"}
NULLABLE_TIME = {**TIME, "nullable": True}
LIMIT = {"type": "integer", "minimum": 1, "maximum": 86_400, "nullable": True}
REASON = {"type": "string", "minLength": 1, "maxLength": 1000}

SCHEMAS = {
    "Exam": obj(
        id=INTEGER, course=NULLABLE_STRING, quiz=STRING, title=STRING, opens_at=TIME, closes_at=TIME,
        time_limit_seconds=NULLABLE_INTEGER, extra_attempts=INTEGER, override=BOOLEAN,
        requires_courses_complete=BOOLEAN,
        my_status={"type": "string", "nullable": True, "enum": ["upcoming", "open", "submitted", "missed", None],
                   "description": "the caller's status (members); null for staff"},
        **{"class": obj(id=INTEGER, name=STRING, url=STRING)}, url=NULLABLE_STRING),
    "ExamOverride": obj(username=STRING, opens_at=NULLABLE_TIME, closes_at=NULLABLE_TIME,
                        time_limit_seconds=NULLABLE_INTEGER, extra_attempts=INTEGER, reason=STRING),
}

EXAM_LIST = obj(items={"type": "array", "items": ref("Exam")}, next=NULLABLE_STRING)

PATHS = {
    "/api/v1/classes/{id}/exams": {
        "get": operation("list_class_exams",
                         "The class's scheduled exams: a member's own schedule (override applied) "
                         "with my_status; staff see the schedule as set",
                         {**ok("A page of exams", EXAM_LIST), **errors(400, 401, 404)},
                         params=CLASS_ID + PAGE),
        "post": operation(
            "create_class_exam", "Schedule a quiz of the class's courses (head teacher)",
            {**ok("Exam", ref("Exam"), "201"), **errors(400, 401, 403, 404, 409, 413, 422)},
            params=CLASS_ID,
            body=obj(course=STRING, quiz=STRING, opens_at=TIME, closes_at=TIME, time_limit_seconds=LIMIT,
                     requires_courses_complete=BOOLEAN,
                     optional=("time_limit_seconds", "requires_courses_complete"))),
    },
    "/api/v1/classes/{id}/exams/{exam}": {
        "patch": operation(
            "update_class_exam", "Change an exam's window or time limit (head teacher)",
            {**ok("Exam", ref("Exam")), **errors(400, 401, 403, 404, 409, 413, 422)}, params=EXAM,
            body=obj(opens_at=TIME, closes_at=TIME, time_limit_seconds=LIMIT,
                     requires_courses_complete=BOOLEAN,
                     optional=("opens_at", "closes_at", "time_limit_seconds", "requires_courses_complete"))),
        "delete": operation("cancel_class_exam",
                            "Cancel a scheduled exam and its overrides (head teacher); attempts stay",
                            {"204": {"description": "Cancelled"}, **errors(401, 403, 404, 409)}, params=EXAM),
    },
    "/api/v1/classes/{id}/exams/{exam}/overrides": {
        "get": operation("list_exam_overrides", "The exam's per-member overrides (head teacher)",
                         {**ok("A page of overrides", obj(items={"type": "array", "items": ref("ExamOverride")},
                                                          next=NULLABLE_STRING)),
                          **errors(400, 401, 403, 404)}, params=EXAM + PAGE),
    },
    "/api/v1/classes/{id}/exams/{exam}/overrides/{username}": {
        "put": operation(
            "set_exam_override",
            "Set a member's override (head teacher): a later window, another time limit (the "
            "member's accommodation factor applies on top), extra attempts; the reason is audited",
            {**ok("Override", ref("ExamOverride")), **errors(400, 401, 403, 404, 409, 413, 422)},
            params=MEMBER,
            body=obj(opens_at=NULLABLE_TIME, closes_at=NULLABLE_TIME, time_limit_seconds=LIMIT,
                     extra_attempts={"type": "integer", "minimum": 0, "maximum": 20}, reason=REASON,
                     optional=("opens_at", "closes_at", "time_limit_seconds", "extra_attempts"))),
    },
    "/api/v1/classes/{id}/exams/{exam}/resets/{username}": {
        "post": operation(
            "reset_exam_attempts",
            "Reset a member's finished attempts at the exam's quiz (head teacher): they no longer "
            "count toward attempts used or the grade; 409 attempt_open while one is in progress; "
            "the reason is audited",
            {**ok("What was reset", obj(username=STRING, reset=INTEGER,
                                        attempts={"type": "array", "items": INTEGER})),
             **errors(400, 401, 403, 404, 409, 413, 422)},
            params=MEMBER, body=obj(reason=REASON)),
    },
    "/api/v1/me/exams": {
        "get": operation("my_exams", "The caller's scheduled exams across their classes, soonest first",
                         {**ok("A page of exams", EXAM_LIST), **errors(400, 401)}, params=PAGE),
    },
}
