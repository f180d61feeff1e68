"""OpenAPI paths and schemas of attendance: sessions, rotating check-in codes, check-in, marks."""
from __future__ import annotations

from .openapi import ID, INTEGER, NULLABLE_STRING, PAGE, STRING
from .openapi import _errors as errors
from .openapi import _obj as obj
from .openapi import _ok as ok
from .openapi import _operation as operation
from .openapi import _ref as ref

ID_PARAM = [{"name": "id", "in": "path", "required": True, "schema": ID}]
USERNAME_PARAM = [{"name": "username", "in": "path", "required": True, "schema": STRING}]
TIME = {"type": "string", "format": "date-time",
        "description": "ISO 8601; without an offset, the server's TIMEZONE (Asia/Shanghai)"}
KIND = {"type": "string", "enum": ["meeting", "lecture", "party_lesson", "other"]}
STATUS = {"type": "string", "enum": ["present", "late", "excused", "absent"]}
NULLABLE_STATUS = {**STATUS, "nullable": True,
                   "description": "null: nothing recorded and the session has not ended yet"}
NULLABLE_TIME = {"type": "string", "format": "date-time", "nullable": True}
NULLABLE_INT = {"type": "integer", "nullable": True}
SHORT_CODE = {"type": "string", "pattern": "^[0-9]{6}$",
              "description": "6 digits shown beside the QR code; valid as long as the code it is shown with"}

SESSION_BODY = dict(
    title={"type": "string", "minLength": 1, "maxLength": 200}, kind=KIND, starts_at=TIME, ends_at=TIME,
    place={"type": "string", "maxLength": 200, "nullable": True},
    meeting_url={"type": "string", "maxLength": 500, "nullable": True, "description": "http or https only"},
    late_after_minutes={"type": "integer", "minimum": 0, "maximum": 240})

SCHEMAS = {
    "Session": obj(id=INTEGER, class_id=INTEGER, title=STRING, kind=KIND, starts_at=TIME, ends_at=TIME,
                   place=NULLABLE_STRING, meeting_url=NULLABLE_STRING, late_after_minutes=INTEGER,
                   phase={"type": "string", "enum": ["upcoming", "running", "ended"]},
                   checkin_open={"type": "boolean"}, url=STRING),
    "SessionItem": {"allOf": [ref("Session"), obj(present_count=INTEGER, members_count=INTEGER,
                                                  my_status={**STATUS, "nullable": True})]},
    "AttendanceItem": obj(username=STRING, display_name=STRING, status=NULLABLE_STATUS,
                          recorded={"type": "boolean"}, checked_in_at=NULLABLE_TIME,
                          method={"type": "string", "enum": ["qr", "manual"], "nullable": True},
                          note=NULLABLE_STRING),
}

PATHS = {
    "/api/v1/classes/{id}/sessions": {
        "get": operation("list_sessions", "A class's sessions in time order, with present and member counts",
                         {**ok("A page of sessions", obj(items={"type": "array", "items": ref("SessionItem")},
                                                         next=NULLABLE_STRING)), **errors(400, 401, 404)},
                         params=ID_PARAM + PAGE),
        "post": operation("create_session", "Schedule a session (staff of the class)",
                          {**ok("Session", ref("Session"), "201"), **errors(400, 401, 403, 404, 409, 413, 422)},
                          params=ID_PARAM,
                          body=obj(optional=("place", "meeting_url", "late_after_minutes"), **SESSION_BODY)),
    },
    "/api/v1/sessions/{id}": {
        "get": operation("get_session", "A session, with its minutes for the class's members and staff",
                         {**ok("Session", {"allOf": [ref("Session"), obj(minutes_html=NULLABLE_STRING)]}),
                          **errors(401, 404)}, params=ID_PARAM),
        "patch": operation("update_session", "Change a session (staff of the class)",
                           {**ok("Session", ref("Session")), **errors(400, 401, 403, 404, 409, 413, 422)},
                           params=ID_PARAM, body=obj(optional=tuple(SESSION_BODY), **SESSION_BODY)),
    },
    "/api/v1/sessions/{id}/code": {"get": operation(
        "get_code", "The current rotating check-in code (changes every 15 s; accepted for its step and the "
                    "next). 409 checkin_closed outside 30 min before the start until the end",
        {**ok("Code", obj(code=STRING, url=STRING, expires_at=TIME, rotates_at=TIME, present_count=INTEGER,
                          members_count=INTEGER, short_code=SHORT_CODE)), **errors(401, 403, 404, 409)},
        params=ID_PARAM)},
    "/api/v1/checkin": {"post": operation(
        "check_in", "Check in (a member of the session's class): present or late. {\"code\"} is a scanned "
                    "code; {\"session\", \"code\"} the 6-digit short code shown beside it, typed. Typed codes are "
                    "rate limited per user and session (default 5 a minute, 15 an hour: 429)",
        {**ok("Checked in", obj(session=ref("Session"), status={"type": "string", "enum": ["present", "late"]},
                                checked_in_at=TIME)),
         **errors(400, 401, 403, 404, 409, 410, 413, 422, 429)},
        body={"oneOf": [obj(code={"type": "string", "maxLength": 64}),
                        obj(session=INTEGER, code=SHORT_CODE)]})},
    "/api/v1/sessions/{id}/attendance": {
        "get": operation(
            "list_attendance", "Every member's attendance at the session (staff of the class)",
            {**ok("A page of attendance", obj(items={"type": "array", "items": ref("AttendanceItem")},
                                              next=NULLABLE_STRING)), **errors(400, 401, 403, 404)},
            params=ID_PARAM + PAGE),
        "put": operation(
            "mark_attendance_many", "Mark many members at once (staff; each mark audited). All or nothing: "
                                    "one bad mark (an unknown username, a name twice) is 422 with fields "
                                    "naming each bad mark, and nothing changes",
            {**ok("Marked", obj(updated=INTEGER)), **errors(400, 401, 403, 404, 409, 413, 422)},
            params=ID_PARAM,
            body=obj(marks={"type": "array", "minItems": 1, "maxItems": 500, "items": obj(
                optional=("note",), username=STRING, status=STATUS,
                note={"type": "string", "maxLength": 500, "nullable": True})}))},
    "/api/v1/sessions/{id}/attendance/{username}": {"put": operation(
        "mark_attendance", "Mark a member present, late, excused or absent by hand (staff; audited)",
        {**ok("Marked", obj(username=STRING, status=STATUS, method=STRING, note=NULLABLE_STRING,
                            checked_in_at=NULLABLE_TIME)), **errors(400, 401, 403, 404, 409, 413, 422)},
        params=ID_PARAM + USERNAME_PARAM,
        body=obj(optional=("note",), status=STATUS, note={"type": "string", "maxLength": 500, "nullable": True}))},
}
