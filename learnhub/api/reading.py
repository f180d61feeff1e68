"""/api/v1 discussions: reading (API.md, Discussions): record where the caller has read a thread
up to, and mark a course's, a unit's or a class's threads read. The same services and loaders
as the pages (discussions.reading)."""
from __future__ import annotations

from typing import Annotated, Optional

from flask_login import current_user
from pydantic import Field

from ..core.permissions import allowed
from ..discussions.loaders import class_place, course_place, load_thread
from ..discussions.reading import services
from ..extensions import db
from . import bp
from .schema import Body, Out, Query, declare

TAGS = ("discussions",)

# ---- schemas -----------------------------------------------------------------------------------


class ReadIn(Body):
    number: Annotated[int, Field(ge=0, le=2**31 - 1, description=(
        "the number of the last post read; past the thread's last post it counts as the last, and a "
        "number below the one recorded changes nothing"))]


class ThreadRead(Out):
    """Read"""

    thread_id: int
    last_read_number: int = Field(description="what is recorded now (never lower than before)")
    unread: bool = Field(description="posts after it remain")


class MarkedRead(Out):
    """Marked read"""

    marked: int = Field(description="the threads that had unread posts (or were never opened)")


class UnitQuery(Query):
    unit: Optional[Annotated[str, Field(max_length=200)]] = Field(
        None, description="only that unit's threads (its slug)")


# ---- routes ------------------------------------------------------------------------------------

@bp.post("/threads/<int:thread_id>/read")
@declare("Record that the caller has read the thread up to post `number` (idempotent, never lowers)",
         body=ReadIn, responses={200: ThreadRead}, errors=(404,), tags=TAGS)
def read_thread(thread_id: int, body: ReadIn):
    thread = load_thread(thread_id)
    services.mark_read(current_user, thread, body.number)
    db.session.commit()
    number = services.last_read_number(current_user, thread)
    return {"thread_id": thread.id, "last_read_number": number, "unread": number < thread.highest_number}


@bp.post("/courses/<course_slug>/threads/read")
@declare("Mark all the course's threads read (or, with `?unit=`, one unit's)", query=UnitQuery,
         responses={200: MarkedRead}, errors=(404,), tags=TAGS)
def read_course_threads(course_slug: str, query: UnitQuery):
    place = course_place(course_slug, query.unit)
    marked = services.mark_all_read(
        current_user, place, include_hidden=allowed(current_user, "discussion.moderate", place))
    db.session.commit()
    return {"marked": marked}


@bp.post("/classes/<int:class_id>/threads/read")
@declare("Mark all the class's threads read", responses={200: MarkedRead}, errors=(404,), tags=TAGS)
def read_class_threads(class_id: int):
    place = class_place(class_id)
    marked = services.mark_all_read(
        current_user, place, include_hidden=allowed(current_user, "discussion.moderate", place))
    db.session.commit()
    return {"marked": marked}
