"""OpenAPI paths and schemas of notifications (merged by api.openapi.document)."""
from __future__ import annotations

from ..core.notifications import KINDS
from .openapi import (
    BOOLEAN,
    ID,
    INTEGER,
    NULLABLE_STRING,
    PAGE,
    STRING,
    _errors as errors,
    _obj as obj,
    _ok as ok,
    _operation as operation,
    _ref as ref,
)

SCHEMAS = {
    "Notification": obj(
        id=INTEGER, kind={"type": "string", "enum": list(KINDS)},
        text={"type": "string", "description": "in the caller's language"},
        url={"type": "string", "description": "the page it is about"},
        created_at={"type": "string", "format": "date-time"}, read=BOOLEAN),
    "NotificationPage": obj(items={"type": "array", "items": ref("Notification")},
                            next=NULLABLE_STRING, unread_count=INTEGER),
    "UnreadCount": obj(unread_count=INTEGER),
}

IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "required": False, "schema": STRING,
                 "description": "the ETag of a previous answer: 304 when nothing changed"}

PATHS = {
    "/api/v1/notifications": {"get": operation(
        "list_notifications", "The caller's notifications, newest first, with the unread count; "
        "answers If-None-Match with 304 while nothing changed (poll this)",
        {**ok("A page of notifications", ref("NotificationPage")),
         "304": {"description": "Unchanged since the ETag sent"}, **errors(400, 401)},
        params=PAGE + [IF_NONE_MATCH])},
    "/api/v1/notifications/read": {"post": operation(
        "read_notifications", "Mark the caller's notifications read: those in `ids` (ids of others "
        "change nothing), or all when `ids` is left out",
        {**ok("Unread count", ref("UnreadCount")), **errors(400, 401, 413, 422)},
        body=obj(ids={"type": "array", "maxItems": 1000, "items": ID}, optional=("ids",)))},
}
PATHS["/api/v1/notifications/read"]["post"]["requestBody"]["required"] = False  # no body: all
