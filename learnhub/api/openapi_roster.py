"""OpenAPI paths and schemas of the class roster: list, member records, import."""
from __future__ import annotations

from .openapi import ID, NULLABLE_NUMBER, NULLABLE_STRING, PAGE, INTEGER, STRING, BOOLEAN
from .openapi import _errors as errors
from .openapi import _obj as obj
from .openapi import _ok as ok
from .openapi import _operation as operation
from .openapi import _ref as ref

CLASS_ID = [{"name": "id", "in": "path", "required": True, "schema": ID}]
USERNAME = [{"name": "username", "in": "path", "required": True, "schema": STRING}]
STAGES = ["applicant", "activist", "candidate", "probationary", "full_member"]
STAGE = {"type": "string", "enum": STAGES}
NULLABLE_STAGE = {"type": "string", "enum": STAGES, "nullable": True}
LOCATION = {"type": "string", "enum": ["on_campus", "away", "graduated"], "nullable": True}
DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": "string", "format": "date", "nullable": True}
ROW_RESULT = {"type": "string", "enum": ["new_account", "enrolled", "already_enrolled", "error"]}

SCHEMAS = {
    "RosterEntry": obj(
        username=STRING, display_name=STRING,
        role={"type": "string", "enum": ["member", "head_teacher", "grader"]},
        stage=NULLABLE_STAGE, stage_date=NULLABLE_DATE, student_no=NULLABLE_STRING,
        department=NULLABLE_STRING, phone=NULLABLE_STRING, email=NULLABLE_STRING,
        location=LOCATION, location_note=NULLABLE_STRING,
        staff_notes={"type": "string", "nullable": True, "description": "visible to the class's staff only"},
        attendance_rate={**NULLABLE_NUMBER, "description": "0-1; null before any session has started"},
        due={**NULLABLE_STAGE, "description": "the next stage the member has waited long enough for"}),
    "RosterImportRow": obj(
        row={"type": "integer", "description": "the spreadsheet's row number (the header is row 1)"},
        username=STRING, result=ROW_RESULT, message=STRING,
        password={"type": "string", "description": "new accounts only, and only when imported "
                                                   "(not a dry run): the one-time password"},
        optional=("password",)),
    "RosterImport": obj(rows={"type": "array", "items": ref("RosterImportRow")}, imported=INTEGER,
                        dry_run=BOOLEAN, optional=("dry_run",)),
    "RosterImportError": obj(
        error=obj(code={"type": "string", "enum": ["invalid_roster"]}, message=STRING),
        rows={"type": "array", "items": ref("RosterImportRow")},
        file_errors={"type": "array", "items": STRING}, imported=INTEGER),
}

FILTERS = [
    {"name": "q", "in": "query", "schema": STRING, "description": "in username, name or student number"},
    {"name": "stage", "in": "query", "schema": STAGE},
    {"name": "department", "in": "query", "schema": STRING},
    {"name": "location", "in": "query", "schema": {"type": "string", "enum": ["on_campus", "away", "graduated"]}},
    {"name": "role", "in": "query", "schema": {"type": "string", "enum": ["member", "head_teacher", "grader"]}},
    {"name": "sort", "in": "query", "schema": STRING,
     "description": "a column (username, display_name, role, stage, stage_date, student_no, department, "
                    "phone, location, attendance_rate, due); '-' before it sorts descending"},
]

_import = operation(
    "import_roster",
    "Import a CSV or XLSX roster (head teacher): all rows or none; ?dry_run=1 previews. "
    "New accounts' one-time passwords are in the response's rows (not on a dry run); they must "
    "change them at first login. Without a username column (or with an empty cell) the username "
    "is the student number (学号) lower-cased; messages name columns as the file's header does.",
    {**ok("Each row's result", ref("RosterImport")),
     "422": {"description": "A row or the file has errors (invalid_roster, with the rows); nothing is written",
             "content": {"application/json": {"schema": {"anyOf": [ref("RosterImportError"), ref("Error")]}}}},
     **{k: v for k, v in errors(400, 401, 403, 404, 409, 413).items()}},
    params=CLASS_ID + [{"name": "dry_run", "in": "query", "schema": {"type": "string", "enum": ["0", "1"]}}])
_import["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": obj(
    file={"type": "string", "format": "binary",
          "description": "UTF-8 (BOM or not) or GB18030 CSV, or XLSX; at most 5,000 rows and 2 MB"})}}}

def _template(kind: str, media_type: str) -> dict:
    return {"get": operation(
        f"roster_template_{kind}",
        f"The roster import template as {kind.upper()} (head teacher): headers in the caller's language "
        "(姓名, 学号, 手机, ... in Chinese), one example row; the username column may stay empty",
        {"200": {"description": f"The template ({kind.upper()} download)",
                 "content": {media_type: {"schema": {"type": "string", "format": "binary"}}}},
         **errors(401, 403, 404)},
        params=CLASS_ID)}


PATHS = {
    "/api/v1/classes/{id}/roster/template.csv": _template("csv", "text/csv"),
    "/api/v1/classes/{id}/roster/template.xlsx": _template(
        "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "/api/v1/classes/{id}/roster": {"get": operation(
        "get_roster", "The class's roster with records and attendance rates (staff of the class)",
        {**ok("A page of the roster", obj(items={"type": "array", "items": ref("RosterEntry")},
                                          next=NULLABLE_STRING)), **errors(400, 401, 403, 404, 422)},
        params=CLASS_ID + PAGE + FILTERS)},
    "/api/v1/classes/{id}/roster/import": {"post": _import},
    "/api/v1/classes/{id}/members/{username}": {"patch": operation(
        "update_member", "Change a member's record (head teacher); every stage change is kept in a "
                         "history; dates breaking the minimum gaps give warnings, never a refusal",
        {**ok("The member's row", {"allOf": [ref("RosterEntry"), obj(warnings={"type": "array", "items": STRING})]}),
         **errors(400, 401, 403, 404, 409, 413, 422)},
        params=CLASS_ID + USERNAME,
        body=obj(stage=STAGE, stage_date=NULLABLE_DATE,
                 role={"type": "string", "enum": ["member", "grader"]},
                 student_no={"type": "string", "maxLength": 32, "nullable": True},
                 department={"type": "string", "maxLength": 120, "nullable": True},
                 phone={"type": "string", "maxLength": 32, "nullable": True},
                 email={"type": "string", "maxLength": 254, "nullable": True},
                 location=LOCATION,
                 location_note={"type": "string", "maxLength": 200, "nullable": True},
                 staff_notes={"type": "string", "maxLength": 5000, "nullable": True},
                 optional=("stage", "stage_date", "role", "student_no", "department", "phone", "email",
                           "location", "location_note", "staff_notes")))},
}
