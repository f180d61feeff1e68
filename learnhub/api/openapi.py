"""The OpenAPI 3 document served at /api/v1/openapi.json (a test keeps it in step with routes)."""
from __future__ import annotations

from flask import jsonify

from . import bp


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
QUIZ = [_path_param("course"), _path_param("quiz")]
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}  # beyond: 404 (no such row)
ATTEMPT = [{"name": "id", "in": "path", "required": True, "schema": ID}]
EXAM_QUERY = {"name": "exam", "in": "query", "required": False, "schema": ID,
              "description": "a class exam of the caller's (see /api/v1/me/exams)"}
NUMBER = {"type": "number"}
NULLABLE_NUMBER = {"type": "number", "nullable": True}
ANY = {}
PAGE = [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
        {"name": "cursor", "in": "query", "schema": STRING}]
# An answer, by question type: single an option id; multiple a list of option ids;
# true_false a boolean; short and essay a string; numerical a number or numeric string;
# matching an object left id -> right id. A shape the question does not take is a 422.
RESPONSE = {"description": "the answer; its shape depends on the question's type (see API.md)",
            "anyOf": [{"type": "string", "maxLength": 20_000}, NUMBER, BOOLEAN,
                      {"type": "array", "items": STRING},
                      {"type": "object", "additionalProperties": STRING}]}
QUESTION_TYPES = ["single", "multiple", "true_false", "short", "numerical", "matching", "essay",
                  "description"]

SCHEMAS = {
    "Error": _obj(error=_obj(code=STRING, message=STRING)),
    "StartError": _obj(error=_obj(
        code=STRING, message=STRING,
        exams={"type": "array", "description": "choose_exam: the caller's open exams to name one of",
               "items": _obj(id=INTEGER, title=STRING, **{"class": _obj(id=INTEGER, name=STRING)})},
        optional=("exams",))),
    "Progress": _obj(completed=INTEGER, total=INTEGER, percent=INTEGER),
    "Me": _obj(id=INTEGER, username=STRING, display_name=STRING,
               role={"type": "string", "enum": ["member", "instructor", "staff", "admin"]},
               locale=NULLABLE_STRING),
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
    "Quiz": {"allOf": [_ref("QuizItem"), _obj(
        time_limit_seconds=NULLABLE_INTEGER, attempts_allowed=NULLABLE_INTEGER,
        attempts_used=INTEGER, opens_at=NULLABLE_STRING, closes_at=NULLABLE_STRING,
        pass_percent=NUMBER, questions_count=INTEGER,
        review={"type": "string", "enum": ["score_only", "answers_after_submit", "answers_after_close"]},
        grading={"type": "string", "enum": ["highest", "last", "first", "average"]},
        grade_percent=NULLABLE_NUMBER, open_attempt=NULLABLE_INTEGER)]},
    "Option": _obj(id=STRING, text_html=STRING),
    "Question": _obj(
        id=INTEGER, position=INTEGER, text_html=STRING, points=NUMBER,
        type={"type": "string", "enum": QUESTION_TYPES},
        options={"description": "single/multiple: [Option]; matching: {left: [Option], right: [Option]}"},
        correct={"type": "boolean", "nullable": True, "description": "only when the review policy allows"},
        points_awarded=NULLABLE_NUMBER, feedback_html=NULLABLE_STRING, correct_response=ANY,
        optional=("options", "correct", "points_awarded", "feedback_html", "correct_response")),
    "Attempt": _obj(
        id=INTEGER, number=INTEGER,
        state={"type": "string", "enum": ["in_progress", "submitted", "needs_grading", "graded"]},
        started_at=STRING, deadline=NULLABLE_STRING, server_now=STRING, submitted_at=NULLABLE_STRING,
        url=STRING, quiz=_obj(slug=STRING, title=STRING, url=STRING),
        exam={"type": "integer", "nullable": True,
              "description": "the class exam it was made under (null: the quiz file's own rules)"},
        questions={"type": "array", "items": _ref("Question")},
        answers={"type": "object", "additionalProperties": ANY,
                 "description": "question id -> response (see the response shapes in API.md)"},
        answers_saved_at={"type": "object", "additionalProperties": STRING,
                          "description": "question id -> when its answer was last saved"},
        score=NULLABLE_NUMBER, max_score=NULLABLE_NUMBER, percent=NULLABLE_NUMBER,
        passed={"type": "boolean", "nullable": True}, answers_shown=BOOLEAN,
        optional=("score", "max_score", "percent", "passed", "answers_shown")),
}

# A started attempt leads to the calls made on it (stateful clients and fuzzers follow these).
ATTEMPT_LINKS = {
    "GetAttempt": {"operationId": "get_attempt", "parameters": {"id": "$response.body#/id"}},
    "SaveAnswer": {"operationId": "save_answer",
                   "parameters": {"id": "$response.body#/id",
                                  "question_id": "$response.body#/questions/0/id"}},
    "SubmitAttempt": {"operationId": "submit_attempt", "parameters": {"id": "$response.body#/id"}},
    "RecordEvent": {"operationId": "record_event", "parameters": {"id": "$response.body#/id"}},
}

PATHS = {
    "/api/v1/auth/token": {
        "post": _operation(
            "create_token", "Exchange a username and password for a bearer token",
            {**_ok("Token issued", _obj(token=STRING, expires_at=STRING), "201"),
             **_errors(400, 401, 413, 422, 429)},
            body=_obj(username={"type": "string", "minLength": 1, "maxLength": 64},
                      password={"type": "string", "minLength": 1, "maxLength": 256}),
            public=True),
        "delete": _operation("revoke_token", "Revoke the bearer token sent with this request",
                             {"204": {"description": "Revoked"}, **_errors(400, 401)}),
    },
    "/api/v1/me": {"get": _operation("me", "The caller's identity",
                                     {**_ok("Me", _ref("Me")), **_errors(401)})},
    "/api/v1/me/password": {"post": _operation(
        "change_my_password",
        "Change the caller's password; ends the account's other sessions and tokens (a bearer "
        "caller gets a new token here)",
        {**_ok("Changed", _obj(changed=BOOLEAN, message=STRING, token=STRING, expires_at=STRING,
                               optional=("token", "expires_at"))),
         **_errors(400, 401, 413, 422, 429)},
        body=_obj(current={"type": "string", "minLength": 1, "maxLength": 256},
                  new={"type": "string", "minLength": 1, "maxLength": 256}))},
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
    "/api/v1/courses/{course}/quizzes/{quiz}": {"get": _operation(
        "get_quiz", "A quiz's rules and the caller's attempts at it (with ?exam=, that class "
        "exam's rules: one of the caller's)",
        {**_ok("Quiz", _ref("Quiz")), **_errors(401, 404)},
        params=QUIZ + [EXAM_QUERY])},
    "/api/v1/courses/{course}/quizzes/{quiz}/attempts": {"post": {**_operation(
        "start_attempt",
        "Start an attempt (200 with the open one if there is one) under the class exam named by "
        "`exam`, or the only one open; it follows that exam's window, limit and overrides only. "
        "409 choose_exam (with `exams`) when two or more of the caller's exams of the quiz are "
        "open and none is named; 409 attempt_open when the open attempt is under another exam; "
        "422 invalid_field when `exam` is not one of the caller's exams of this quiz",
        {**_ok("Attempt started", _ref("Attempt"), "201", links=ATTEMPT_LINKS),
         **_ok("The open attempt", _ref("Attempt"), links=ATTEMPT_LINKS),
         **_errors(400, 401, 403, 404, 413, 422),
         "409": {"description": "no_attempts_left, attempt_open or choose_exam",
                 "content": {"application/json": {"schema": _ref("StartError")}}}},
        params=QUIZ), "requestBody": {"required": False, "content": {"application/json": {"schema": _obj(
            exam={"type": "integer", "minimum": 1, "nullable": True,
                  "description": "the class exam the attempt is made under (GET /api/v1/me/exams ids)"},
            optional=("exam",))}}}}},
    "/api/v1/attempts/{id}": {"get": _operation(
        "get_attempt", "An attempt; keys and feedback only when the review policy allows",
        {**_ok("Attempt", _ref("Attempt")), **_errors(401, 404)}, params=ATTEMPT)},
    "/api/v1/attempts/{id}/answers/{question_id}": {"put": _operation(
        "save_answer", "Save one answer (the last write per question wins)",
        {**_ok("Saved", _obj(saved_at=STRING)), **_errors(400, 401, 403, 404, 409, 413, 422)},
        params=ATTEMPT + [{"name": "question_id", "in": "path", "required": True, "schema": ID}],
        body=_obj(response=RESPONSE))},
    "/api/v1/attempts/{id}/submit": {"post": _operation(
        "submit_attempt", "Submit and grade (idempotent: a repeat returns the same result)",
        {**_ok("Attempt", _ref("Attempt")), **_errors(400, 401, 403, 404)},
        params=ATTEMPT + [{"name": "by", "in": "query", "required": False,
                           "description": "timer: the page's countdown submitted at zero (recorded as"
                                          " finished_by for staff); anything else counts as the member",
                           "schema": {"type": "string", "enum": ["member", "timer"]}}])},
    "/api/v1/attempts/{id}/events": {"post": _operation(
        "record_event", "Record an integrity signal: focus_lost, hidden or paste",
        {**_ok("Recorded", _obj(focus_losses=INTEGER, warn=BOOLEAN)),
         **_errors(400, 401, 403, 404, 409, 413, 422)},
        params=ATTEMPT,
        body=_obj(kind={"type": "string", "enum": ["focus_lost", "hidden", "paste"]},
                  question_id={"type": "integer", "nullable": True}, optional=("question_id",)))},
    "/api/v1/openapi.json": {"get": _operation("openapi", "This document",
                                               {**_ok("OpenAPI 3 document"), **_errors()},
                                               public=True)},
}


# The party school's areas keep their paths and schemas in modules of their own.
AREA_MODULES = ("openapi_classes", "openapi_announcements", "openapi_exams", "openapi_attendance",
                "openapi_roster", "openapi_progress", "openapi_progress_me")


def _areas() -> tuple[dict, dict]:
    from importlib import import_module

    schemas, paths = dict(SCHEMAS), dict(PATHS)
    for name in AREA_MODULES:
        module = import_module(f".{name}", __package__)
        schemas.update(module.SCHEMAS)
        paths.update(module.PATHS)
    return schemas, paths


def document() -> dict:
    schemas, paths = _areas()
    return {
        "openapi": "3.0.3",
        "info": {"title": "LearnHub API", "version": "1"},
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                "session": {"type": "apiKey", "in": "cookie", "name": "session"}},
        },
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
    }


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
