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
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}  # beyond: 404 (no such row)
NUMBER = {"type": "number"}
NULLABLE_NUMBER = {"type": "number", "nullable": True}
PAGE = [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
        {"name": "cursor", "in": "query", "schema": STRING}]

SCHEMAS = {
    "Error": _obj(error=_obj(code=STRING, message=STRING)),
}

PATHS: dict = {}


# The party school's areas keep their paths and schemas in modules of their own.
AREA_MODULES = ("openapi_classes", "openapi_announcements", "openapi_exams", "openapi_attendance",
                "openapi_roster", "openapi_notifications")


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
