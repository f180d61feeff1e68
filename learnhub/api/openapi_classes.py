"""OpenAPI paths and schemas of the party school's classes (merged by api.openapi.document)."""
from __future__ import annotations

from .openapi import ID, INTEGER, NULLABLE_STRING, PAGE, STRING
from .openapi import _errors as errors
from .openapi import _obj as obj
from .openapi import _ok as ok
from .openapi import _operation as operation
from .openapi import _ref as ref

CLASS_ID = [{"name": "id", "in": "path", "required": True, "schema": ID}]
USERNAME = [{"name": "username", "in": "path", "required": True, "schema": STRING}]
STAGE = {"type": "string", "enum": ["applicant", "activist", "candidate", "probationary", "full_member"],
         "nullable": True}
FIELD_ERROR = {"description": "A field is at fault: invalid_field, with \"fields\": {name: message} "
                              "naming every one (or invalid_text)",
               "content": {"application/json": {"schema": obj(error=obj(
                   code=STRING, message=STRING,
                   fields={"type": "object", "additionalProperties": STRING},
                   optional=("fields",)))}}}
ONE_TIME = {"Cache-Control": {"description": "no-store: the one-time password is in this response only",
                              "schema": STRING}}
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


def _one_time(operation: dict) -> dict:
    """The 2xx answer carries a one-time password: say it is never cached."""
    for status, response in operation["responses"].items():
        if status.startswith("2"):
            response["headers"] = ONE_TIME
    return operation


PATHS = {
    "/api/v1/classes": {
        "get": operation("list_classes", "The classes the caller belongs to or manages (admins: all)",
                         {**ok("A page of classes", obj(items={"type": "array", "items": ref("ClassItem")},
                                                        next=NULLABLE_STRING)), **errors(400, 401)},
                         params=PAGE),
        "post": operation(
            "create_class", "Create a class (staff, admins); the creator becomes its head teacher",
            {**ok("Class", ref("Class"), "201"), **errors(400, 401, 403, 409, 413), "422": FIELD_ERROR},
            body=obj(name={"type": "string", "minLength": 1, "maxLength": 200},
                     code={"type": "string", "minLength": 2, "maxLength": 32},
                     starts_on=DATE, ends_on=DATE, description={"type": "string", "maxLength": 20_000},
                     courses={"type": "array", "items": STRING},
                     optional=("description", "courses"))),
    },
    "/api/v1/classes/{id}": {"get": operation(
        "get_class", "A class with its courses and staff (404 for a class the caller has no part in)",
        {**ok("Class", ref("Class")), **errors(401, 404)}, params=CLASS_ID)},
    "/api/v1/classes/{id}/members": {"post": _one_time(operation(
        "add_member",
        "Add one person without a file (head teacher). A new account gets a one-time password, "
        "changed at first login; an existing account (by username) is enrolled and \"password\" is "
        "null. No username: the student number is the username. 409 already_enrolled, "
        "duplicate_student_no (another member of the class has it), username_taken (the account has "
        "another student number on record), class_archived.",
        {**ok("The account and its one-time password", obj(
            username=STRING, password={"type": "string", "nullable": True,
                                       "description": "new accounts only; null for an existing account"}), "201"),
         **errors(400, 401, 403, 404, 409, 413), "422": FIELD_ERROR},
        params=CLASS_ID,
        body=obj(display_name={"type": "string", "minLength": 1, "maxLength": 120},
                 username={"type": "string", "maxLength": 64},
                 student_no={"type": "string", "maxLength": 32, "nullable": True},
                 department={"type": "string", "maxLength": 120, "nullable": True},
                 stage=STAGE, phone={"type": "string", "maxLength": 32, "nullable": True},
                 email={"type": "string", "maxLength": 254, "nullable": True},
                 role={"type": "string", "enum": ["member", "grader"]},
                 optional=("username", "student_no", "department", "stage", "phone", "email", "role"))))},
    "/api/v1/classes/{id}/members/{username}/password": {"post": _one_time(operation(
        "reset_member_password",
        "A new one-time password for a member of the class (head teacher): members only, 403 "
        "not_a_member_account for staff, instructor and admin accounts and for the class's staff, "
        "403 member_of_other_classes for a member also in a class the caller does not run (an "
        "administrator resets that one). "
        "Ends the account's login sessions and API tokens; kept in the audit log.",
        {**ok("The new one-time password", obj(username=STRING, password=STRING)),
         **errors(400, 401, 403, 404, 409)},
        params=CLASS_ID + USERNAME))},
    "/api/v1/classes/{id}/copy": {"post": operation(
        "copy_class",
        "The next term's class (staff of this class who may create classes): the same description, "
        "courses, required units and staff, scheduled exams and sessions moved by as many days as the "
        "start date; no members, attendance or results. The caller becomes its head teacher.",
        {**ok("The new class", {"allOf": [ref("Class"), obj(
            exams_copied=INTEGER, sessions_copied=INTEGER,
            exams_left_out={"type": "array", "items": STRING,
                            "description": "exams that could not be scheduled in the new term "
                                           "(quiz no longer in the courses, dates out of range)"})]}, "201"),
         **errors(400, 401, 403, 404, 409, 413), "422": FIELD_ERROR},
        params=CLASS_ID,
        body=obj(name={"type": "string", "minLength": 1, "maxLength": 200},
                 code={"type": "string", "minLength": 2, "maxLength": 32},
                 starts_on=DATE, ends_on=DATE))},
}

