"""OpenAPI paths and schemas of class announcements (merged by api.openapi.document)."""
from __future__ import annotations

from .openapi import BOOLEAN, ID, INTEGER, NULLABLE_STRING, PAGE, STRING
from .openapi import _errors as errors
from .openapi import _obj as obj
from .openapi import _ok as ok
from .openapi import _operation as operation
from .openapi import _ref as ref

OBJECT_ID = [{"name": "id", "in": "path", "required": True, "schema": ID}]
DATE_TIME = {"type": "string", "format": "date-time"}
NULLABLE_DATE_TIME = {"type": "string", "format": "date-time", "nullable": True}

SCHEMAS = {
    "Announcement": obj(
        id=INTEGER, class_id=INTEGER, title=STRING,
        body_html={"type": "string", "description": "the Markdown body, rendered and sanitised"},
        pinned=BOOLEAN, published_at=DATE_TIME,
        author={"type": "object", "nullable": True, "description": "null once the author's account is gone",
                "properties": {"username": STRING, "display_name": STRING},
                "required": ["username", "display_name"]},
        read={"type": "boolean", "description": "whether the caller has opened it"},
        read_at=NULLABLE_DATE_TIME, url=STRING),
    "AnnouncementRead": obj(id=INTEGER, read={"type": "boolean", "enum": [True]}, read_at=DATE_TIME),
    "AnnouncementReceipts": obj(
        read={"type": "array", "items": obj(username=STRING, display_name=STRING, read_at=DATE_TIME)},
        unread={"type": "array", "items": obj(username=STRING, display_name=STRING)}),
}

PATHS = {
    "/api/v1/classes/{id}/announcements": {
        "get": operation(
            "list_announcements", "The class's announcements, pinned first then newest first; "
            "`read` is the caller's", {**ok("A page of announcements", obj(
                items={"type": "array", "items": ref("Announcement")}, next=NULLABLE_STRING)),
                **errors(400, 401, 404)}, params=OBJECT_ID + PAGE),
        "post": operation(
            "create_announcement", "Post an announcement to the class (its staff); 409 when archived",
            {**ok("Announcement", ref("Announcement"), "201"), **errors(400, 401, 403, 404, 409, 413, 422)},
            params=OBJECT_ID,
            body=obj(title={"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"},
                     body={"type": "string", "maxLength": 20_000,
                           "description": "Markdown; a text over the renderer's bounds (lists or quotes "
                                          "nested more than 12 deep, runs of unclosed brackets, more "
                                          "than it can format in time) is 422 `invalid_field`"},
                     pinned=BOOLEAN, optional=("pinned",))),
    },
    "/api/v1/announcements/{id}/read": {"post": operation(
        "read_announcement", "Record that the caller has read it (idempotent); 409 when archived",
        {**ok("Read", ref("AnnouncementRead")), **errors(401, 404, 409)}, params=OBJECT_ID)},
    "/api/v1/announcements/{id}/receipts": {"get": operation(
        "announcement_receipts", "Which members of the class have read it and which have not (staff)",
        {**ok("Receipts", ref("AnnouncementReceipts")), **errors(401, 403, 404)}, params=OBJECT_ID)},
}
