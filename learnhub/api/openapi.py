"""The OpenAPI 3 document served at /api/v1/openapi.json (a test keeps it in step with routes)."""
from __future__ import annotations

from flask import jsonify

from . import bp


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _ok(description: str, schema: dict | None = None, status: str = "200") -> dict:
    body = {"description": description}
    if schema is not None:
        body["content"] = {"application/json": {"schema": schema}}
    return {status: body}


def _errors(*statuses: int) -> dict:
    return {str(s): {"description": "Error", "content": {"application/json": {"schema": _ref("Error")}}}
            for s in statuses}


def _path_param(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _operation(summary: str, responses: dict, params: list | None = None,
               body: dict | None = None, public: bool = False) -> dict:
    operation = {"summary": summary, "responses": responses}
    if params:
        operation["parameters"] = params
    if body:
        operation["requestBody"] = {"required": True,
                                    "content": {"application/json": {"schema": body}}}
    if public:
        operation["security"] = []
    return operation


def _obj(**properties) -> dict:
    return {"type": "object", "properties": properties}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
NULLABLE_STRING = {"type": "string", "nullable": True}
COURSE, UNIT = [_path_param("course")], [_path_param("course"), _path_param("unit")]
QUIZ = [_path_param("course"), _path_param("quiz")]
ATTEMPT = [{"name": "id", "in": "path", "required": True, "schema": INTEGER}]
NUMBER = {"type": "number"}
NULLABLE_NUMBER = {"type": "number", "nullable": True}
ANY = {}
PAGE = [{"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}},
        {"name": "cursor", "in": "query", "schema": STRING}]

SCHEMAS = {
    "Error": _obj(error=_obj(code=STRING, message=STRING)),
    "Progress": _obj(completed=INTEGER, total=INTEGER, percent=INTEGER),
    "Me": _obj(id=INTEGER, username=STRING, display_name=STRING,
               role={"type": "string", "enum": ["member", "instructor", "staff", "admin"]},
               locale=NULLABLE_STRING),
    "CourseItem": _obj(slug=STRING, title=STRING, summary=STRING, units_count=INTEGER,
                       progress=_ref("Progress"), url=STRING),
    "UnitItem": _obj(slug=STRING, title=STRING, order=INTEGER, summary=STRING,
                     estimated_minutes={"type": "integer", "nullable": True},
                     completion={"type": "string", "enum": ["view", "manual", "quiz"]},
                     completed=BOOLEAN, url=STRING),
    "QuizItem": _obj(slug=STRING, title=STRING, kind=STRING, url=STRING),
    "Course": _obj(slug=STRING, title=STRING, summary=STRING, url=STRING,
                   units={"type": "array", "items": _ref("UnitItem")},
                   quizzes={"type": "array", "items": _ref("QuizItem")},
                   progress=_ref("Progress"), resume_unit=NULLABLE_STRING),
    "Unit": {"allOf": [_ref("UnitItem"), _obj(html=STRING, prev=NULLABLE_STRING,
                                               next=NULLABLE_STRING)]},
    "Quiz": {"allOf": [_ref("QuizItem"), _obj(
        time_limit_seconds={"type": "integer", "nullable": True},
        attempts_allowed={"type": "integer", "nullable": True}, attempts_used=INTEGER,
        opens_at=NULLABLE_STRING, closes_at=NULLABLE_STRING, pass_percent=NUMBER,
        questions_count=INTEGER, review=STRING, grading=STRING, grade_percent=NULLABLE_NUMBER,
        open_attempt={"type": "integer", "nullable": True})]},
    "Option": _obj(id=STRING, text_html=STRING),
    "Question": _obj(
        id=INTEGER, position=INTEGER, text_html=STRING, points=NUMBER,
        type={"type": "string", "enum": ["single", "multiple", "true_false", "short", "numerical",
                                         "matching", "essay", "description"]},
        options={"description": "single/multiple: [Option]; matching: {left: [Option], right: [Option]}"},
        correct={"type": "boolean", "nullable": True, "description": "only when the review policy allows"},
        points_awarded=NULLABLE_NUMBER, feedback_html=NULLABLE_STRING, correct_response=ANY),
    "Attempt": _obj(
        id=INTEGER, number=INTEGER,
        state={"type": "string", "enum": ["in_progress", "submitted", "needs_grading", "graded"]},
        started_at=STRING, deadline=NULLABLE_STRING, server_now=STRING, submitted_at=NULLABLE_STRING,
        url=STRING, quiz=_obj(slug=STRING, title=STRING, url=STRING),
        questions={"type": "array", "items": _ref("Question")},
        answers={"type": "object", "additionalProperties": ANY,
                 "description": "question id -> response (see the response shapes in API.md)"},
        answers_saved_at={"type": "object", "additionalProperties": STRING,
                          "description": "question id -> when its answer was last saved"},
        score=NULLABLE_NUMBER, max_score=NULLABLE_NUMBER, percent=NULLABLE_NUMBER,
        passed={"type": "boolean", "nullable": True}, answers_shown=BOOLEAN),
}

PATHS = {
    "/api/v1/auth/token": {
        "post": _operation(
            "Exchange a username and password for a bearer token",
            {**_ok("Token issued", _obj(token=STRING, expires_at=STRING), "201"),
             **_errors(400, 401, 422, 429)},
            body=_obj(username=STRING, password=STRING), public=True),
        "delete": _operation("Revoke the bearer token sent with this request",
                             {"204": {"description": "Revoked"}, **_errors(400, 401)}),
    },
    "/api/v1/me": {"get": _operation("The caller's identity", {**_ok("Me", _ref("Me")),
                                                                 **_errors(401)})},
    "/api/v1/courses": {"get": _operation(
        "Courses the caller can see, with progress",
        {**_ok("A page of courses", _obj(items={"type": "array", "items": _ref("CourseItem")},
                                         next=NULLABLE_STRING)), **_errors(400, 401)},
        params=PAGE)},
    "/api/v1/courses/{course}": {"get": _operation(
        "A course with its units, quizzes, progress and where to resume",
        {**_ok("Course", _ref("Course")), **_errors(401, 404)}, params=COURSE)},
    "/api/v1/courses/{course}/units/{unit}": {"get": _operation(
        "A unit's sanitised HTML (opening it counts as viewing it)",
        {**_ok("Unit", _ref("Unit")), **_errors(401, 404)}, params=UNIT)},
    "/api/v1/courses/{course}/units/{unit}/complete": {"post": _operation(
        "Mark a manual unit complete",
        {**_ok("Unit", _ref("Unit")), **_errors(400, 401, 404, 409)}, params=UNIT)},
    "/api/v1/courses/{course}/quizzes/{quiz}": {"get": _operation(
        "A quiz's rules and the caller's attempts at it",
        {**_ok("Quiz", _ref("Quiz")), **_errors(401, 404)}, params=QUIZ)},
    "/api/v1/courses/{course}/quizzes/{quiz}/attempts": {"post": _operation(
        "Start an attempt (200 with the open one if there is one)",
        {**_ok("Attempt started", _ref("Attempt"), "201"), **_ok("The open attempt", _ref("Attempt")),
         **_errors(400, 401, 403, 404, 409)}, params=QUIZ)},
    "/api/v1/attempts/{id}": {"get": _operation(
        "An attempt; keys and feedback only when the review policy allows",
        {**_ok("Attempt", _ref("Attempt")), **_errors(401, 404)}, params=ATTEMPT)},
    "/api/v1/attempts/{id}/answers/{question_id}": {"put": _operation(
        "Save one answer (the last write per question wins)",
        {**_ok("Saved", _obj(saved_at=STRING)), **_errors(400, 401, 403, 404, 409, 422)},
        params=ATTEMPT + [{"name": "question_id", "in": "path", "required": True, "schema": INTEGER}],
        body=_obj(response=ANY))},
    "/api/v1/attempts/{id}/submit": {"post": _operation(
        "Submit and grade (idempotent: a repeat returns the same result)",
        {**_ok("Attempt", _ref("Attempt")), **_errors(400, 401, 403, 404)}, params=ATTEMPT)},
    "/api/v1/attempts/{id}/events": {"post": _operation(
        "Record an integrity signal: focus_lost, hidden or paste",
        {**_ok("Recorded", _obj(focus_losses=INTEGER, warn=BOOLEAN)), **_errors(400, 401, 403, 404, 409, 422)},
        params=ATTEMPT, body=_obj(kind=STRING, question_id={"type": "integer", "nullable": True}))},
    "/api/v1/openapi.json": {"get": _operation("This document", _ok("OpenAPI 3 document"),
                                               public=True)},
}


def document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "LearnHub API", "version": "1"},
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                "session": {"type": "apiKey", "in": "cookie", "name": "session"}},
        },
        "security": [{"bearer": []}, {"session": []}],
        "paths": PATHS,
    }


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
