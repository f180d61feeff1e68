"""The OpenAPI document served at /api/v1/openapi.json: written from the endpoints'
declarations (api/schema.py, api/document.py), merged during the port with the hand-written
parts below and in the openapi_* modules for the endpoints not declared yet (OpenAPI 3.0,
the dialect document.py writes too). A ported endpoint's entries go from here."""
from __future__ import annotations

from flask import current_app

from . import bp
from .document import generate
from .schema import Out, declare


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _ok(description: str, schema: dict | None = None, status: str = "200",
        links: dict | None = None) -> dict:
    body = {"description": description}
    if schema is not None:
        body["content"] = {"application/json": {"schema": schema}}
    if links:
        body["links"] = links
    return {status: body}


# Statuses any operation may answer: 422 `invalid_text` for a NUL or an unpaired surrogate
# anywhere in the request (path, query, body; core/text.py), and 503 `service_unavailable`
# (with Retry-After) while the database is unreachable, since any request may need it.
ALWAYS = (422, 503)


def _errors(*statuses: int) -> dict:
    return {str(s): {"description": "Error", "content": {"application/json": {"schema": _ref("Error")}}}
            for s in sorted(set(statuses + ALWAYS))}


def _path_param(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _operation(operation_id: str, summary: str, responses: dict, params: list | None = None,
               body: dict | None = None, public: bool = False) -> dict:
    """`operation_id` is the Flask endpoint's name (api.<operation_id>)."""
    operation = {"operationId": operation_id, "summary": summary, "responses": responses}
    if params:
        operation["parameters"] = params
    if body:
        operation["requestBody"] = {"required": True,
                                    "content": {"application/json": {"schema": body}}}
    if public:
        operation["security"] = []
    return operation


def _obj(*, optional: tuple[str, ...] = (), **properties) -> dict:
    """An object whose properties are all present unless listed in `optional`; more may come."""
    schema = {"type": "object", "properties": properties}
    required = [name for name in properties if name not in optional]
    if required:
        schema["required"] = required
    return schema


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
NULLABLE_STRING = {"type": "string", "nullable": True}
NULLABLE_INTEGER = {"type": "integer", "nullable": True}
COURSE, UNIT = [_path_param("course")], [_path_param("course"), _path_param("unit")]
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}  # beyond: 404 (no such row)
NUMBER = {"type": "number"}
NULLABLE_NUMBER = {"type": "number", "nullable": True}
PAGE = [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
        {"name": "cursor", "in": "query", "schema": STRING}]

SCHEMAS = {
    "Error": _obj(error=_obj(code=STRING, message=STRING)),
    "Progress": _obj(completed=INTEGER, total=INTEGER, percent=INTEGER),
    "CourseItem": _obj(slug=STRING, title=STRING, summary=STRING, units_count=INTEGER,
                       progress=_ref("Progress"), url=STRING,
                       lang={"type": "string", "enum": ["en", "zh"], "nullable": True,
                             "description": "The course's language (course.md `lang:`); null: any"}),
    "UnitItem": _obj(slug=STRING, title=STRING, order=INTEGER, summary=STRING,
                     estimated_minutes=NULLABLE_INTEGER,
                     completion={"type": "string", "enum": ["view", "manual", "quiz"]},
                     completed=BOOLEAN, locked=BOOLEAN,
                     requires={"type": "array", "items": STRING,
                               "description": "prerequisites: unit slugs and quiz:slug entries"},
                     url=STRING),
    "Missing": _obj(kind={"type": "string", "enum": ["unit", "quiz"]}, slug=STRING, title=STRING,
                    url=STRING),
    "QuizItem": _obj(slug=STRING, title=STRING, kind={"type": "string", "enum": ["practice", "exam"]},
                     url=STRING),
    "Course": _obj(slug=STRING, title=STRING, summary=STRING, url=STRING,
                   units={"type": "array", "items": _ref("UnitItem")},
                   quizzes={"type": "array", "items": _ref("QuizItem")},
                   progress=_ref("Progress"), complete=BOOLEAN, completed_on=NULLABLE_STRING,
                   study_seconds=INTEGER, resume_unit=NULLABLE_STRING),
    "Unit": {"allOf": [_ref("UnitItem"), _obj(
        html={"type": "string", "description": "empty while the unit is locked"},
        missing={"type": "array", "items": _ref("Missing"),
                 "description": "what is still needed before the unit opens (empty when open)"},
        prev=NULLABLE_STRING, next=NULLABLE_STRING)]},
    "Heartbeat": _obj(completed=BOOLEAN, study_seconds=INTEGER, unit_study_seconds=INTEGER,
                      credited_seconds=INTEGER, progress=_ref("Progress"), progress_text=STRING,
                      optional=("progress", "progress_text")),
}

PATHS = {
    "/api/v1/courses": {"get": _operation(
        "list_courses", "Courses the caller can see, with progress",
        {**_ok("A page of courses", _obj(items={"type": "array", "items": _ref("CourseItem")},
                                         next=NULLABLE_STRING)), **_errors(400, 401)},
        params=PAGE)},
    "/api/v1/courses/{course}": {"get": _operation(
        "get_course", "A course with its units, quizzes, progress and where to resume",
        {**_ok("Course", _ref("Course")), **_errors(401, 404)}, params=COURSE)},
    "/api/v1/courses/{course}/units/{unit}": {"get": _operation(
        "get_unit", "A unit's sanitised HTML (opening it is a visit; it completes nothing by "
        "itself). A locked unit: `locked` true, `html` empty, `missing` lists what is needed",
        {**_ok("Unit", _ref("Unit")), **_errors(401, 404)}, params=UNIT)},
    "/api/v1/courses/{course}/units/{unit}/complete": {
        "post": _operation(
            "complete_unit", "Mark a manual unit complete (403 `locked`, 409 `completion_rule`)",
            {**_ok("Unit", _ref("Unit")), **_errors(400, 401, 403, 404, 409)}, params=UNIT),
        "delete": _operation(
            "uncomplete_unit", "Undo 'mark as complete' of a manual unit (409 `completion_rule` "
            "for other rules); the history keeps both",
            {**_ok("Unit", _ref("Unit")), **_errors(400, 401, 404, 409)}, params=UNIT),
    },
    "/api/v1/courses/{course}/units/{unit}/heartbeat": {"post": _operation(
        "unit_heartbeat",
        "The unit page's study-time heartbeat: adds at most the real time since the member's "
        "previous beat on any unit, at most 60 s a beat and 8 hours a day; completes a `view` "
        "unit once its dwell time is reached or `reached_end` is sent",
        {**_ok("Study time", _ref("Heartbeat")), **_errors(400, 401, 403, 404, 413, 422)},
        params=UNIT,
        body=_obj(visible_seconds={"type": "number", "minimum": 0, "maximum": 86400},
                  reached_end=BOOLEAN, optional=("reached_end",)))},
}


# The party school's areas keep their paths and schemas in modules of their own.
AREA_MODULES = ("openapi_classes", "openapi_announcements", "openapi_exams", "openapi_attendance",
                "openapi_roster", "openapi_progress", "openapi_progress_me", "openapi_notifications")


def _areas() -> tuple[dict, dict]:
    from importlib import import_module

    schemas, paths = dict(SCHEMAS), dict(PATHS)
    for name in AREA_MODULES:
        module = import_module(f".{name}", __package__)
        schemas.update(module.SCHEMAS)
        paths.update(module.PATHS)
    return schemas, paths


def document() -> dict:
    """The document: the declared endpoints' part (document.py) over the hand-written parts
    of the endpoints not ported yet (above and the openapi_* modules), for the current app.
    Built once per app (it follows from the code alone)."""
    app = current_app._get_current_object()
    cached = app.extensions.get("learnhub.openapi")
    if cached is None:
        schemas, paths = _areas()
        declared_paths, declared_schemas = generate(app)
        schemas.update(declared_schemas)
        for path, operations in declared_paths.items():
            paths.setdefault(path, {}).update(operations)
        cached = app.extensions["learnhub.openapi"] = {
            "openapi": "3.0.3",
            "info": {"title": "LearnHub API", "version": "1"},
            "components": {
                "schemas": dict(sorted(schemas.items())),
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                    "session": {"type": "apiKey", "in": "cookie", "name": "session"}},
            },
            "security": [{"bearer": []}, {"session": []}],
            "paths": dict(sorted(paths.items())),
        }
    return cached


class OpenApiDocument(Out):
    """OpenAPI 3 document"""

    openapi: str
    info: dict[str, str]
    components: dict[str, dict]
    security: list[dict[str, list[str]]]
    paths: dict[str, dict]


@bp.get("/openapi.json")
@declare("This document", responses={200: OpenApiDocument}, public=True, tags=("meta",))
def openapi():
    return document()
