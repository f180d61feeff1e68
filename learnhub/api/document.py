"""The OpenAPI paths and schemas written from the endpoints' declarations (schema.declare).

Walks the app's /api/v1 rules: a view with a declaration becomes an operation (its path from
the rule, its parameters from the converters and the query model, its body and responses
from the models). pydantic writes the JSON Schemas of every model in one pass, so a model
used by two endpoints is one component; they come in JSON Schema 2020-12 and are converted
to OpenAPI 3.0's dialect (as_openapi_30), the document's.
"""
from __future__ import annotations

import re
from http import HTTPStatus

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from .schema import ErrorBody, File, Operation, operation_of

REF = "#/components/schemas/{model}"
PREFIX = "/api/v1/"
# Flask's argument names -> API.md's: the first object of a path is {id} (/attempts/{id}).
PATH_NAMES = {"course_slug": "course", "unit_slug": "unit", "quiz_slug": "quiz", "exam_id": "exam",
              "attempt_id": "id", "class_id": "id", "session_id": "id", "announcement_id": "id",
              "thread_id": "id", "post_id": "id", "answer_id": "id", "report_id": "id"}
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}  # beyond: 404 (no such row)
_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def path_of(rule) -> tuple[str, list[dict]]:
    """The rule as an OpenAPI path, with its path parameters."""
    parameters = []

    def placeholder(match: re.Match) -> str:
        converter, name = match.group(1), match.group(2)
        public = PATH_NAMES.get(name, name)
        parameters.append({"name": public, "in": "path", "required": True,
                           "schema": dict(ID) if converter == "int" else {"type": "string"}})
        return "{" + public + "}"

    return _ARGUMENT.sub(placeholder, rule.rule), parameters


def declared(app) -> list[tuple[object, Operation]]:
    """(rule, operation) for every /api/v1 rule whose view is declared, in path order."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        operation = operation_of(app.view_functions[rule.endpoint])
        if rule.rule.startswith(PREFIX) and operation is not None:
            found.append((rule, operation))
    return found


def _without_null(schema: dict) -> dict:
    """A query parameter is absent or a string, never JSON null: drop the null branch."""
    options = [s for s in schema.get("anyOf", ()) if s != {"type": "null"}]
    if "anyOf" in schema and len(options) == 1:
        rest = {k: v for k, v in schema.items() if k != "anyOf"}
        return {**options[0], **rest}
    return schema


def _query_parameters(model: type[BaseModel], schemas: dict) -> list[dict]:
    schema = model.model_json_schema(ref_template=REF)
    schemas.update(schema.pop("$defs", {}))
    required = set(schema.get("required", ()))
    return [{"name": name, "in": "query", "required": name in required,
             **({"description": prop["description"]} if "description" in prop else {}),
             "schema": _without_null(prop)} for name, prop in schema.get("properties", {}).items()]


BINARY = {"type": "string", "format": "binary"}


def _response(status: int, model, refs: dict, links: dict | None) -> dict:
    if isinstance(model, File):
        return {"description": model.description, "content": {model.media_type: {"schema": dict(BINARY)}}}
    description = (model.__doc__ or "").strip().split("\n")[0] if model is not None else ""
    response: dict = {"description": description or HTTPStatus(status).phrase}
    if model is not None:
        response["content"] = {"application/json": {"schema": refs[(model, "serialization")]}}
    if links:
        response["links"] = links
    return response


def _operation(rule, operation: Operation, refs: dict, schemas: dict) -> dict:
    path_parameters = path_of(rule)[1]
    for parameter in path_parameters:
        parameter["schema"].update(operation.path.get(parameter["name"], {}))
    entry: dict = {"operationId": rule.endpoint.removeprefix("api."), "summary": operation.summary}
    if operation.description:
        entry["description"] = operation.description
    if operation.tags:
        entry["tags"] = list(operation.tags)
    parameters = path_parameters + (_query_parameters(operation.query, schemas) if operation.query else [])
    if parameters:
        entry["parameters"] = parameters
    if operation.body is not None:
        entry["requestBody"] = {"required": operation.body_required, "content": {
            "application/json": {"schema": refs[(operation.body, "validation")]}}}
    elif operation.uploads:
        form = {"type": "object", "required": list(operation.uploads), "properties": {
            name: {**BINARY, "description": text} for name, text in operation.uploads.items()}}
        entry["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": form}}}
    responses = {str(status): _response(status, model, refs, operation.links.get(status))
                 for status, model in sorted(operation.responses.items())}
    for status in operation.error_statuses():
        responses[str(status)] = {"description": HTTPStatus(status).phrase, "content": {
            "application/json": {"schema": refs[(ErrorBody, "serialization")]}}}
    entry["responses"] = dict(sorted(responses.items()))
    if operation.public:
        entry["security"] = []
    return entry


def generate(app) -> tuple[dict, dict]:
    """(paths, component schemas) of every declared /api/v1 operation."""
    operations = declared(app)
    keys = {(ErrorBody, "serialization")}
    for _, operation in operations:
        if operation.body is not None:
            keys.add((operation.body, "validation"))
        keys |= {(model, "serialization") for model in operation.responses.values()
                 if model is not None and not isinstance(model, File)}
    ordered = sorted(keys, key=lambda key: (key[0].__module__, key[0].__qualname__, key[1]))
    refs, top = models_json_schema(ordered, ref_template=REF)
    schemas = dict(top.get("$defs", {}))
    paths: dict[str, dict] = {}
    for rule, operation in operations:
        path = path_of(rule)[0]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule, operation, refs, schemas)
    return as_openapi_30(paths), as_openapi_30(schemas)


_NULL = {"type": "null"}


def as_openapi_30(node):
    """pydantic's JSON Schema (2020-12) in OpenAPI 3.0's dialect, the document's: a null
    branch becomes `nullable`, `const` an enum of one, a numeric exclusive bound the boolean
    form, `examples` one `example`."""
    if isinstance(node, list):
        return [as_openapi_30(item) for item in node]
    if not isinstance(node, dict):
        return node
    schema = {key: as_openapi_30(value) for key, value in node.items()}
    options = schema.get("anyOf")
    if isinstance(options, list) and _NULL in options:
        rest = [option for option in options if option != _NULL]
        del schema["anyOf"]
        if len(rest) == 1 and "$ref" not in rest[0]:
            schema = {**rest[0], **schema}
        elif len(rest) == 1:
            schema["allOf"] = rest  # 3.0 ignores a $ref's siblings
        else:
            schema["anyOf"] = rest
        schema["nullable"] = True
    if "const" in schema and isinstance(schema.get("type"), str):
        schema["enum"] = [schema.pop("const")]
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(schema.get(bound), (int, float)) and not isinstance(schema[bound], bool):
            schema[plain], schema[bound] = schema[bound], True
    if isinstance(schema.get("examples"), list):
        examples = schema.pop("examples")
        if examples:
            schema["example"] = examples[0]
    return schema
