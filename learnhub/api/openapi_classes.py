"""OpenAPI paths and schemas of the party school's classes (merged by api.openapi.document)."""
from __future__ import annotations

from .openapi import ID, INTEGER, NULLABLE_STRING, PAGE, STRING
from .openapi import _errors as errors
from .openapi import _obj as obj
from .openapi import _ok as ok
from .openapi import _operation as operation
from .openapi import _ref as ref

CLASS_ID = [{"name": "id", "in": "path", "required": True, "schema": ID}]
DATE = {"type": "string", "format": "date"}
CLASS_STATUS = {"type": "string", "enum": ["planned", "running", "finished", "archived"]}
CLASS_ROLE = {"type": "string", "enum": ["member", "head_teacher", "grader", "admin"], "nullable": True}

SCHEMAS = {
    "ClassItem": obj(id=INTEGER, name=STRING, code=STRING, status=CLASS_STATUS, starts_on=STRING,
                     ends_on=STRING, role=CLASS_ROLE, members_count=INTEGER, url=STRING),
    "Class": {"allOf": [ref("ClassItem"), obj(
        description=STRING,
        courses={"type": "array", "items": obj(slug=STRING, title=STRING, url=STRING)},
        staff={"type": "array", "items": obj(username=STRING, display_name=STRING,
                                             role={"type": "string", "enum": ["head_teacher", "grader"]})})]},
}

PATHS = {
    "/api/v1/classes": {
        "get": operation("list_classes", "The classes the caller belongs to or manages (admins: all)",
                         {**ok("A page of classes", obj(items={"type": "array", "items": ref("ClassItem")},
                                                        next=NULLABLE_STRING)), **errors(400, 401)},
                         params=PAGE),
        "post": operation(
            "create_class", "Create a class (staff, admins); the creator becomes its head teacher",
            {**ok("Class", ref("Class"), "201"), **errors(400, 401, 403, 409, 413, 422)},
            body=obj(name={"type": "string", "minLength": 1, "maxLength": 200},
                     code={"type": "string", "minLength": 2, "maxLength": 32},
                     starts_on=DATE, ends_on=DATE, description={"type": "string", "maxLength": 20_000},
                     courses={"type": "array", "items": STRING},
                     optional=("description", "courses"))),
    },
    "/api/v1/classes/{id}": {"get": operation(
        "get_class", "A class with its courses and staff (404 for a class the caller has no part in)",
        {**ok("Class", ref("Class")), **errors(401, 404)}, params=CLASS_ID)},
}
