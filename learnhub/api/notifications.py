"""/api/v1/notifications: the caller's notifications, unread count, mark read (API.md).

The list answers a conditional request cheaply: the ETag comes from one aggregate query
(max id, unread count, last read time), so an unchanged list is a 304 with no body, no list
query and no rendering; the badge's poll (every ~30 s per open tab) costs that.
"""
from __future__ import annotations

import hashlib
from typing import Annotated, Literal, Optional

from flask import Response, after_this_request, request
from flask_login import current_user
from pydantic import Field, ValidationError, WrapValidator
from pydantic_core import PydanticCustomError

from ..core import notifications as service
from ..core.i18n import select_locale
from ..core.pagination import page_request
from ..core.types import iso
from ..extensions import db
from . import bp
from .schema import ApiDateTime, Body, Id, Out, Page, PageQuery, declare

MAX_IDS = 1000
TAGS = ("notifications",)

# ---- schemas -----------------------------------------------------------------------------------


def _as_one_field(value, handler):
    """A list's first fault, reported on the list itself ('ids', not 'ids.3')."""
    try:
        return handler(value)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        raise PydanticCustomError(first["type"], first["msg"], first.get("ctx")) from None


class ReadIn(Body):
    ids: Optional[Annotated[list[Id], Field(max_length=MAX_IDS), WrapValidator(_as_one_field)]] = Field(
        None, description="the notifications to mark read (others' ids change nothing); left out: all")


class NotificationItem(Out):
    id: int
    kind: Literal[service.KINDS]
    text: str = Field(description="in the caller's language")
    url: str = Field(description="the page it is about")
    created_at: ApiDateTime
    read: bool


class NotificationPage(Page[NotificationItem]):
    """A page of notifications"""

    unread_count: int = Field(description="the caller's unread notifications, on every page")


class UnreadCount(Out):
    """Unread count"""

    unread_count: int


def notification_item(n: service.Notification) -> dict:
    return {"id": n.id, "kind": n.kind, "text": n.render(), "url": n.url, "created_at": n.created_at,
            "read": n.read}


def list_etag(user_id: int) -> str:
    """Changes with a new notification, a mark-read, the reader's language and the page asked."""
    max_id, unread, last_read = service.state(user_id)
    key = f"{user_id}|{max_id}|{unread}|{iso(last_read)}|{select_locale()}|{request.query_string.decode()}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


# ---- routes ------------------------------------------------------------------------------------

@bp.get("/notifications")
@declare("The caller's notifications, newest first, with the unread count; answers If-None-Match with "
         "304 while nothing changed (poll this)", query=PageQuery,
         responses={200: NotificationPage, 304: None}, errors=(400,), tags=TAGS)
def list_notifications(query: PageQuery):
    """Keyset-paginated. The ETag is decided first: a 304 is the caller and one aggregate
    statement, with nothing loaded or rendered."""
    user = current_user._get_current_object()
    etag = list_etag(user.id)
    if request.if_none_match.contains(etag):
        return not_modified(etag)
    page = service.page_for(user, **page_request())
    return _tagged(etag, {**page.as_dict(notification_item), "unread_count": service.unread_count(user)})


# Both answers differ by caller (cookie or token).
VARY = "Cookie, Authorization"


def not_modified(etag: str) -> Response:
    return Response(status=304, headers={"ETag": f'"{etag}"', "Vary": VARY})


def _tagged(etag: str, answer):
    """The answer, sent with its ETag."""
    @after_this_request
    def conditional(response):
        response.set_etag(etag)
        response.vary.add("Cookie")
        response.vary.add("Authorization")
        return response

    return answer


@bp.post("/notifications/read")
@declare("Mark the caller's notifications read: those in `ids` (ids of others change nothing), or all "
         "when `ids` is left out", body=ReadIn, body_required=False, responses={200: UnreadCount},
         tags=TAGS)
def read_notifications(body: ReadIn):
    user = current_user._get_current_object()
    service.mark_read(user, body.ids)
    db.session.commit()
    return {"unread_count": service.unread_count(user)}
