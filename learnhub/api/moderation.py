"""/api/v1 discussions: moderation (API.md, Discussions): a thread's pin, lock, hidden state
and unit; hiding posts; members' reports and the moderators' queue. The same rules as the
pages (discussions.moderation.services); every change is audited."""
from __future__ import annotations

from typing import Literal, Optional

from flask_login import current_user
from pydantic import Field

from ..core.notifications import site_path
from ..core.pagination import page_request, paginate
from ..courses.index import content_index
from ..discussions.loaders import load_post, load_thread
from ..discussions.models import REASON_MAX
from ..discussions.moderation import services
from ..discussions.moderation.loaders import load_report
from ..extensions import db
from . import bp
from .schema import ApiDateTime, Body, Out, Page, PageQuery, declare, text

TAGS = ("discussions",)
MODERATE = "discussion.moderate"


class ThreadChange(Body):
    pinned: Optional[bool] = None
    locked: Optional[bool] = None
    hidden: Optional[bool] = Field(None, description="true hides the thread (`reason` required), false shows it")
    unit: Optional[text(100)] = Field(None, description="a unit slug of the thread's course, or null for the "
                                                        "course itself (course threads only: 409 `class_thread`)")
    reason: Optional[text(REASON_MAX, blank=True)] = Field(None, description="kept in the audit log")


class ModeratedThread(Out):
    """A thread's moderation state"""

    id: int
    title: str
    pinned: bool
    locked: bool
    hidden: bool
    hidden_reason: Optional[str]
    unit: Optional[str] = Field(description="the unit's slug; null for a class's or a whole course's thread")
    version: int = Field(description="bumped by every change of the thread or its posts")
    url: str


class ReasonIn(Body):
    reason: text(REASON_MAX) = Field(description="shown to moderators, kept in the audit log")


class OptionalReason(Body):
    reason: Optional[text(REASON_MAX, blank=True)] = None


class ModeratedPost(Out):
    """A post's moderation state"""

    id: int
    thread_id: int
    number: int
    hidden: bool
    hidden_reason: Optional[str]
    replies_count: int = Field(description="the thread's replies shown (not deleted or hidden)")


class Report(Out):
    """A report of a post"""

    id: int
    post_id: int
    reason: str
    created_at: ApiDateTime


class ReportItem(Out):
    id: int
    reason: str
    created_at: ApiDateTime
    reporter: str = Field(description="the reporter's display name")
    post_id: int
    post_number: int
    post_body_html: str
    post_author: Optional[str]
    thread_id: int
    thread_title: str
    url: str = Field(description="the post in its thread")


class ResolutionIn(Body):
    resolution: Literal[services.RESOLUTIONS]


class Resolved(Out):
    """Reports closed"""

    resolution: str
    reports: list[int] = Field(description="the ids of the post's reports this closed")
    post: ModeratedPost


def _thread_out(thread) -> dict:
    units = content_index().units.get(thread.course_id, []) if thread.unit_id is not None else []
    unit = next((u.slug for u in units if u.id == thread.unit_id), None)
    return {"id": thread.id, "title": thread.title, "pinned": thread.pinned, "locked": thread.locked,
            "hidden": thread.hidden, "hidden_reason": thread.hidden_reason, "unit": unit,
            "version": thread.version, "url": site_path("discussions.thread", thread_id=thread.id)}


def _post_out(post, thread) -> dict:
    return {"id": post.id, "thread_id": thread.id, "number": post.number, "hidden": post.hidden,
            "hidden_reason": post.hidden_reason, "replies_count": thread.replies_count}


@bp.patch("/threads/<int:thread_id>")
@declare("Pin, lock, hide (with a `reason`) or move a thread (its moderators); every change audited",
         body=ThreadChange, responses={200: ModeratedThread}, errors=(403, 404, 409), tags=TAGS)
def moderate_thread(thread_id: int, body: ThreadChange):
    thread = load_thread(thread_id, MODERATE)
    unit = body.unit if "unit" in body.model_fields_set else services.UNSET
    services.update_thread(current_user, thread, pinned=body.pinned, locked=body.locked, hidden=body.hidden,
                           unit=unit, reason=body.reason)
    db.session.commit()
    return _thread_out(thread)


@bp.post("/posts/<int:post_id>/report")
@declare("Report a post to the thread's moderators (any reader but its author: 422 `own_post`); "
         "409 `already_reported`, `post_deleted`, `post_hidden`",
         body=ReasonIn, responses={201: Report}, errors=(404, 409), tags=TAGS)
def report_post(post_id: int, body: ReasonIn):
    post, thread = load_post(post_id)
    report = services.report_post(current_user, post, thread, body.reason)
    db.session.commit()
    return report, 201


@bp.post("/posts/<int:post_id>/hide")
@declare("Hide a post with a reason (the thread's moderators); audited", body=ReasonIn,
         responses={200: ModeratedPost}, errors=(403, 404), tags=TAGS)
def hide_post(post_id: int, body: ReasonIn):
    post, thread = load_post(post_id, MODERATE)
    services.set_post_hidden(current_user, post, thread, True, body.reason)
    db.session.commit()
    return _post_out(post, thread)


@bp.post("/posts/<int:post_id>/unhide")
@declare("Show a hidden post again (the thread's moderators); audited", body=OptionalReason,
         body_required=False, responses={200: ModeratedPost}, errors=(403, 404), tags=TAGS)
def unhide_post(post_id: int, body: OptionalReason):
    post, thread = load_post(post_id, MODERATE)
    services.set_post_hidden(current_user, post, thread, False, body.reason)
    db.session.commit()
    return _post_out(post, thread)


@bp.get("/reports")
@declare("Open reports of the threads the caller moderates, grouped by post (oldest post first)",
         query=PageQuery, responses={200: Page[ReportItem]}, errors=(400, 403), tags=TAGS)
def list_reports(query: PageQuery):
    services.require_queue(current_user)
    page = paginate(services.open_reports_query(current_user), services.QUEUE_ORDER, **page_request())
    page.items = [{"id": r.id, "reason": r.reason, "created_at": r.created_at, "reporter": r.reporter_name,
                   "post_id": r.post_id, "post_number": r.post_number, "post_body_html": r.post_body_html,
                   "post_author": r.post_author_name, "thread_id": r.thread_id, "thread_title": r.thread_title,
                   "url": site_path("discussions.goto_post", post_id=r.post_id)}
                  for r in services.report_rows(page.items)]
    return page


@bp.post("/reports/<int:report_id>/resolve")
@declare("Close the post's open reports (its thread's moderators): `hidden` hides the post, `dismissed` "
         "leaves it; 409 `report_resolved` when this one is closed already",
         body=ResolutionIn, responses={200: Resolved}, errors=(403, 404, 409), tags=TAGS)
def resolve_report(report_id: int, body: ResolutionIn):
    report, post, thread = load_report(report_id)
    ids = services.resolve_report(current_user, report, post, thread, body.resolution)
    db.session.commit()
    return {"resolution": body.resolution, "reports": ids, "post": _post_out(post, thread)}
