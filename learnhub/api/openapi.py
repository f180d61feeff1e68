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
