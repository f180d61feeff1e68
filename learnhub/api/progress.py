"""/api/v1 progress: the caller's own courses (what the member dashboard shows), the unit
page's study-time heartbeat, and the staff class dashboard's rows."""
from __future__ import annotations

from operator import attrgetter
from typing import Annotated, Literal, Optional

from flask import request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from pydantic import BeforeValidator, Field, WithJsonSchema

from ..classes.loaders import load_class
from ..classes.models import STAGES
from ..core.errors import NotFound
from ..core.pagination import Key, page_of_sorted, page_request
from ..core.types import utcnow
from ..courses import services as course_services
from ..extensions import db
from ..progress import class_dashboard as rules, services as progress
from ..progress.heartbeat import MAX_REPORTED_SECONDS, record_beat
from ..progress.member_dashboard import MyCourse, my_courses, order_key
from . import bp
from .courses import Progress, refuse_locked
from .schema import Body, Out, Page, PageQuery, declare

# ---- schemas -----------------------------------------------------------------------------------

class MyCourseProgress(Out):
    course: str
    title: str
    completed: int = Field(description="required units completed")
    total: int = Field(description="required units (a class may make units optional)")
    percent: int = Field(ge=0, le=100)
    study_seconds: int
    resume_unit: Optional[str] = Field(description="slug of the unit to start or resume; null once the "
                                                   "course is complete")
    url: str


class HeartbeatIn(Body):
    visible_seconds: float = Field(ge=0, le=MAX_REPORTED_SECONDS)
    reached_end: bool = False


class Heartbeat(Out):
    """Study time"""

    completed: bool
    study_seconds: int
    unit_study_seconds: int
    credited_seconds: int
    # Only when this beat completed the unit: the page updates its tick and bar without a reload.
    progress: Progress = None
    progress_text: str = None


def _blank_as_none(value):
    return None if value == "" else value


class ClassProgressQuery(PageQuery):
    """The filters; a value outside these is 422 invalid_filter, an unknown sort invalid_sort."""

    status: Annotated[Optional[Literal[rules.STATUSES]], BeforeValidator(_blank_as_none)] = None
    department: Optional[str] = None
    stage: Annotated[Optional[Literal[STAGES]], BeforeValidator(_blank_as_none)] = None
    # behind and sort are read by class_dashboard.parse_filters, shared with the page.
    behind: Annotated[Optional[str], WithJsonSchema({"type": "string", "enum": ["1", "0", "true", "false"]})] = None
    sort: Optional[str] = Field(None, description=(
        ", ".join(rules.SORT_KEYS) + ", quiz:<slug> or unit:<id>; '-' before it sorts descending"))


class ClassProgressEntry(Out):
    username: str
    display_name: str
    student_no: Optional[str] = Field(description="the member's student number in this class (学号)")
    department: Optional[str]
    stage: Optional[Literal[STAGES]]
    completed: int = Field(description="required units completed")
    total: int = Field(description="required units of the class's courses")
    percent: int = Field(ge=0, le=100)
    study_seconds: int = Field(description="study time on the class's courses")
    best_scores: dict[str, float] = Field(description="quiz slug (course/slug when two courses share one) -> "
                                                      "best percent; attempts reset by staff do not count")
    attendance_rate: Optional[float] = Field(description="0-1; null before any session has started")
    status: Literal[rules.STATUSES]
    behind: bool = Field(description="more than 10 points below the share of the term gone")


TAGS = ("progress",)
# Both lists are computed in Python (progress figures, the dashboard's order, sorts on computed
# values: percent, status, best scores...), not one select: they are paged by keyset over the
# sorted list (core.pagination.page_of_sorted), the cursor holding the last item's sort key.
MY_ORDER = [Key(lambda item, n=n: order_key(item)[n]) for n in range(4)]

# ---- routes ------------------------------------------------------------------------------------

def _my_course(item: MyCourse) -> dict:
    return {"course": item.course.slug, "title": item.course.title, "completed": item.completed,
            "total": item.total, "percent": item.percent, "study_seconds": item.study_seconds,
            "resume_unit": item.next_unit.slug if item.next_unit else None,
            "url": url_for("courses.course", course_slug=item.course.slug)}


@bp.get("/progress")
@declare("The caller's courses (started, or assigned through one of their classes) with required units "
         "completed, study time and where to carry on; in progress first, complete last",
         query=PageQuery, responses={200: Page[MyCourseProgress]}, errors=(400,), tags=TAGS)
def list_my_progress(query: PageQuery):
    """Only the caller's own, in the dashboard's order (member_dashboard.order_key)."""
    page = page_of_sorted(my_courses(current_user), MY_ORDER, in_order=True, **page_request())
    page.items = [_my_course(item) for item in page.items]
    return page


@bp.post("/courses/<course_slug>/units/<unit_slug>/heartbeat")
@declare("The unit page's study-time heartbeat: adds at most the real time since the member's previous "
         "beat on any unit, at most 60 s a beat and 8 hours a day; completes a `view` unit once its "
         "dwell time is reached or `reached_end` is sent", body=HeartbeatIn, responses={200: Heartbeat},
         errors=(403, 404), invalid_code="invalid_heartbeat", tags=TAGS)
def unit_heartbeat(course_slug: str, unit_slug: str, body: HeartbeatIn):
    """The hot path: the unit from this process's index (no query, unlike load_unit_view),
    three statements."""
    course = course_services.get_course(course_slug, current_user)
    unit = course and next((u for u in course_services.course_units(course, current_user)
                            if u.slug == unit_slug), None)
    if unit is None:
        raise NotFound(_l("No unit '%(unit)s' in course '%(course)s'.", unit=unit_slug, course=course_slug))
    if unit.requires:
        refuse_locked(progress.unit_lock(current_user, unit, course))
    result = record_beat(current_user.id, unit, body.visible_seconds, body.reached_end, utcnow())
    beat = {"completed": result.completed, "study_seconds": result.study_seconds,
            "unit_study_seconds": result.unit_seconds, "credited_seconds": result.credited}
    if result.completed_now:
        figure = progress.course_progress_for(current_user, [course])[course.id]
        beat["progress"] = figure
        beat["progress_text"] = _("%(done)d of %(total)d required units", done=figure.completed, total=figure.total)
    db.session.commit()
    return beat


@bp.get("/classes/<int:class_id>/progress")
@declare("Every member's progress in the class's courses (staff of the class): required units completed, "
         "study time, best quiz scores, attendance, status and behind schedule. 422 invalid_filter or "
         "invalid_sort for values it does not know", query=ClassProgressQuery,
         responses={200: Page[ClassProgressEntry]}, errors=(400, 403, 404), invalid_code="invalid_filter",
         tags=TAGS)
def get_class_progress(class_id: int, query: ClassProgressQuery):
    """The rows (MemberRow objects) go out as they are: the response model reads them and
    dumps them in one pass (the hot path; see tests/bench/schema_spike/RESULTS.md)."""
    school_class = load_class(class_id, "class.staff")
    paging = page_request()  # 400 before the work
    dashboard = rules.build(school_class, utcnow(), request.args, strict=True)
    # dashboard.rows are in this order already (class_dashboard.sort_rows): no second sort.
    keys = [Key(dashboard.sort_value, desc=dashboard.filters.descending), Key(attrgetter("username"))]
    return page_of_sorted(dashboard.rows, keys, context=dashboard.filters.sort, in_order=True, **paging)
