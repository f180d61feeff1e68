"""OpenAPI path and schema of GET /api/v1/progress (merged by api.openapi.document)."""
from __future__ import annotations

from .openapi import INTEGER, NULLABLE_STRING, PAGE, STRING
from .openapi import _errors as errors
from .openapi import _obj as obj
from .openapi import _ok as ok
from .openapi import _operation as operation
from .openapi import _ref as ref

SCHEMAS = {
    "MyCourseProgress": obj(
        course=STRING, title=STRING,
        completed={"type": "integer", "description": "required units completed"},
        total={"type": "integer", "description": "required units (a class may make units optional)"},
        percent={"type": "integer", "minimum": 0, "maximum": 100}, study_seconds=INTEGER,
        resume_unit={"type": "string", "nullable": True,
                     "description": "slug of the unit to start or resume; null once the course is complete"},
        url=STRING),
}

PATHS = {
    "/api/v1/progress": {
        "get": operation(
            "list_my_progress",
            "The caller's courses (started, or assigned through one of their classes) with required "
            "units completed, study time and where to carry on; in progress first, complete last",
            {**ok("A page of courses", obj(items={"type": "array", "items": ref("MyCourseProgress")},
                                           next=NULLABLE_STRING)),
             **errors(400, 401)},
            params=PAGE),
    },
}
