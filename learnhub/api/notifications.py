"""/api/v1/notifications: the caller's notifications, unread count, mark read (API.md).

The list answers a conditional request cheaply: the ETag comes from one aggregate query
(max id, unread count, last read time), so an unchanged list is a 304 with no body, no list
query and no rendering; the badge's poll (every ~30 s per open tab) costs that.
"""
from __future__ import annotations

import hashlib

from flask import jsonify, make_response, request
from flask_babel import get_locale, lazy_gettext as _l
from flask_login import current_user

from ..core import notifications as service
from ..core.api import json_body
from ..core.errors import FieldError
from ..core.pagination import page_request
from ..core.types import iso
from ..extensions import db
from . import bp

MAX_IDS = 1000
MAX_ID = 2**31 - 1


def notification_item(n: service.Notification) -> dict:
    return {"id": n.id, "kind": n.kind, "text": n.render(), "url": n.url,
            "created_at": iso(n.created_at), "read": n.read}


def list_etag(user) -> str:
    """Changes with a new notification, a mark-read, the reader's language and the page asked."""
    max_id, unread, last_read = service.state(user)
    key = f"{user.id}|{max_id}|{unread}|{iso(last_read)}|{get_locale()}|{request.query_string.decode()}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


@bp.get("/notifications")
def list_notifications():
    """Newest first, keyset-paginated; `unread_count` is the caller's total."""
    user = current_user._get_current_object()
    etag = list_etag(user)
    if request.if_none_match.contains(etag):
        response = make_response("", 304)
    else:
        page = service.page_for(user, **page_request())
        response = jsonify({**page.as_dict(notification_item),
                            "unread_count": service.unread_count(user)})
    response.set_etag(etag)
    response.vary.add("Cookie")
    response.vary.add("Authorization")
    return response


@bp.post("/notifications/read")
def read_notifications():
    """{"ids": [...]} marks those of the caller's (others' ids change nothing); no ids: all."""
    data = json_body() if request.get_data(cache=True) else {}  # no body: mark all read
    ids = data.get("ids")
    if ids is not None:
        if (not isinstance(ids, list) or len(ids) > MAX_IDS
                or not all(isinstance(i, int) and not isinstance(i, bool) and 1 <= i <= MAX_ID for i in ids)):
            error = FieldError("ids", _l("'ids' must be a list of notification ids."))
            return jsonify({"error": {"code": error.code, "message": error.message,
                                      "fields": error.fields}}), error.status
    user = current_user._get_current_object()
    service.mark_read(user, ids)
    db.session.commit()
    return jsonify({"unread_count": service.unread_count(user)})
