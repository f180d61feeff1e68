"""/api/v1 scheduled exams: a class's exams, per-member overrides and resets, and /me/exams."""
from __future__ import annotations

from operator import attrgetter
from typing import Annotated, Literal, Optional

from flask import url_for
from flask_login import current_user
from pydantic import ConfigDict, Field, WithJsonSchema
from sqlalchemy import select

from ..auth.models import User
from ..classes.exams import services as exam_rules
from ..classes.exams.loaders import load_exam
from ..classes.exams.models import ExamOverride as OverrideRow
from ..classes.loaders import load_class
from ..core.pagination import Key, page_of_sorted, page_request, paginate
from ..core.permissions import allowed
from ..core.types import utcnow
from ..extensions import db
from . import bp
from .schema import ApiDateTime, Body, Out, Page, PageQuery, declare

# ---- schemas -----------------------------------------------------------------------------------
# The models check types (and offsets on times); the ranges, the window's order and the reason
# stay the exam service's rules, with their own codes (invalid_time_limit, invalid_window,
# invalid_extra_attempts, reason_required, ...) shared with the pages' forms. The document
# states those ranges (json_schema_extra) so clients and the fuzzer know them.



def _time_limit():
    return Field(None, json_schema_extra={"minimum": 1, "maximum": exam_rules.MAX_TIME_LIMIT},
                 description="seconds; null: the quiz file's limit")


Reason = Annotated[Optional[str], WithJsonSchema({"type": "string", "minLength": 1,
                                                  "maxLength": exam_rules.REASON_MAX,
                                                  "description": "kept in the audit log"})]


def _reason_required(schema: dict) -> None:
    """The document requires the reason; the model lets a missing one through to the service,
    which answers 422 reason_required as the page's form does."""
    schema["required"] = ["reason"]
    schema["properties"]["reason"].pop("default", None)


REASON_REQUIRED = ConfigDict(json_schema_extra=_reason_required)


RELEASE_DOC = ("when members see their results: immediately (each once fully graded), at (release_at), "
               "manual (POST .../results/release); never while answers wait for grading unless forced")


class ExamIn(Body):
    course: str = Field(description="the slug of one of the class's courses")
    quiz: str = Field(description="the slug of a quiz of that course")
    opens_at: ApiDateTime
    closes_at: ApiDateTime
    time_limit_seconds: Optional[int] = _time_limit()
    requires_courses_complete: bool = False
    release: Literal[exam_rules.RELEASES] = Field("immediately", description=RELEASE_DOC)
    release_at: Optional[ApiDateTime] = Field(None, description="with release 'at'")


class ExamChange(Body):
    """Only the fields sent change (a null time keeps it; a null time limit removes it)."""

    opens_at: Optional[ApiDateTime] = None
    closes_at: Optional[ApiDateTime] = None
    time_limit_seconds: Optional[int] = _time_limit()
    requires_courses_complete: Optional[bool] = None
    release: Optional[Literal[exam_rules.RELEASES]] = Field(None, description=RELEASE_DOC)
    release_at: Optional[ApiDateTime] = Field(None, description="with release 'at' (sent alone: the "
                                                                "release becomes 'at')")


class OverrideIn(Body):
    model_config = REASON_REQUIRED

    opens_at: Optional[ApiDateTime] = None
    closes_at: Optional[ApiDateTime] = None
    time_limit_seconds: Optional[int] = _time_limit()
    extra_attempts: Optional[int] = Field(0, json_schema_extra={"minimum": 0,
                                                                "maximum": exam_rules.MAX_EXTRA_ATTEMPTS})
    reason: Reason = None


class ResetIn(Body):
    model_config = REASON_REQUIRED

    reason: Reason = None


class ExamClass(Out):
    id: int
    name: str
    url: str


class Exam(Out):
    """Exam"""

    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)

    id: int
    course: Optional[str] = Field(description="null: the course is gone from the content")
    quiz: str
    title: str
    opens_at: ApiDateTime
    closes_at: ApiDateTime
    time_limit_seconds: Optional[int]
    extra_attempts: int
    override: bool
    my_status: Optional[Literal[exam_rules.MY_STATUSES]] = Field(
        description="the caller's status (members); null for staff")
    requires_courses_complete: bool
    release: Literal[exam_rules.RELEASES]
    release_at: Optional[ApiDateTime]
    released_at: Optional[ApiDateTime] = Field(description="when staff released the results (null: not yet)")
    owner: ExamClass = Field(alias="class")
    url: Optional[str] = Field(description="the quiz page")


class ExamOverride(Out):
    """Override"""

    username: str
    opens_at: Optional[ApiDateTime]
    closes_at: Optional[ApiDateTime]
    time_limit_seconds: Optional[int]
    extra_attempts: int
    reason: str


class ExamReset(Out):
    """What was reset"""

    username: str
    reset: int
    attempts: list[int]


TAGS = ("exams",)
USERNAME = {"username": {"maxLength": 64}}
# A member's schedule is computed (their override applied) and staff's list comes through the
# same MemberExam objects: keyset pages over the service's sorted list, in its order.
EXAM_ORDER = [Key(attrgetter("opens_at")), Key(lambda item: item.exam.id)]

# ---- helpers -----------------------------------------------------------------------------------

def exam_item(item: exam_rules.MemberExam, my_status: str | None) -> dict:
    course_slug = item.course.slug if item.course else None
    return {
        "id": item.exam.id, "course": course_slug, "quiz": item.quiz_slug, "title": item.title,
        "opens_at": item.opens_at, "closes_at": item.closes_at,
        "time_limit_seconds": item.time_limit_seconds, "extra_attempts": item.extra_attempts,
        "override": item.override_id is not None, "my_status": my_status,
        "requires_courses_complete": item.exam.requires_courses_complete,
        "release": item.exam.release, "release_at": item.exam.release_at, "released_at": item.exam.released_at,
        "class": {"id": item.class_id, "name": item.class_name,
                  "url": url_for("classes.overview", class_id=item.class_id)},
        "url": url_for("quizzes.intro", course_slug=course_slug, quiz_slug=item.quiz_slug)
        if course_slug else None,
    }


def _exam_page(items: list[exam_rules.MemberExam], members: bool):
    page = page_of_sorted(items, EXAM_ORDER, **page_request())
    page.items = [exam_item(item, item.my_status if members else None) for item in page.items]
    return page


def _staff_item(school_class, exam) -> dict:
    item = next(i for i in exam_rules.class_exams(school_class) if i.exam.id == exam.id)
    return exam_item(item, None)


def override_item(override, username: str) -> dict:
    return {"username": username, "opens_at": override.opens_at, "closes_at": override.closes_at,
            "time_limit_seconds": override.time_limit_seconds, "extra_attempts": override.extra_attempts,
            "reason": override.reason}


def _exam_member(class_id: int, exam_id: int, username: str):
    """(exam, class, member) for the head teacher's per-member calls (404 not_a_member)."""
    exam, school_class = load_exam(class_id, exam_id, "class.manage")
    return exam, school_class, exam_rules.class_member(school_class, username)


# ---- routes ------------------------------------------------------------------------------------

@bp.get("/classes/<int:class_id>/exams")
@declare("The class's scheduled exams: a member's own schedule (override applied) with my_status; "
         "staff see the schedule as set", query=PageQuery, responses={200: Page[Exam]}, errors=(400, 404),
         tags=TAGS)
def list_class_exams(class_id: int, query: PageQuery):
    school_class = load_class(class_id)
    if allowed(current_user, "class.member", school_class):
        return _exam_page(exam_rules.member_exams(current_user, utcnow(), school_class), members=True)
    return _exam_page(exam_rules.class_exams(school_class), members=False)


@bp.post("/classes/<int:class_id>/exams")
@declare("Schedule a quiz of the class's courses (head teacher)", body=ExamIn, responses={201: Exam},
         errors=(403, 404, 409), tags=TAGS)
def create_class_exam(class_id: int, body: ExamIn):
    school_class = load_class(class_id, "class.manage")
    exam = exam_rules.schedule_exam(current_user, school_class, body.course, body.quiz, body.opens_at,
                                    body.closes_at, body.time_limit_seconds, body.requires_courses_complete)
    exam_rules.set_release(current_user, school_class, exam, body.release, body.release_at)
    db.session.commit()
    return _staff_item(school_class, exam), 201


@bp.patch("/classes/<int:class_id>/exams/<int:exam_id>")
@declare("Change an exam's window or time limit (head teacher)", body=ExamChange, responses={200: Exam},
         errors=(403, 404, 409), tags=TAGS)
def update_class_exam(class_id: int, exam_id: int, body: ExamChange):
    exam, school_class = load_exam(class_id, exam_id, "class.manage")
    limit = body.time_limit_seconds if "time_limit_seconds" in body.model_fields_set else exam.time_limit_seconds
    exam_rules.update_exam(current_user, school_class, exam, body.opens_at or exam.opens_at,
                           body.closes_at or exam.closes_at, limit, body.requires_courses_complete)
    if body.release is not None or body.release_at is not None:
        release = body.release or ("at" if body.release_at is not None else exam.release)
        exam_rules.set_release(current_user, school_class, exam, release,
                               body.release_at if body.release_at is not None else exam.release_at)
    db.session.commit()
    return _staff_item(school_class, exam)


@bp.delete("/classes/<int:class_id>/exams/<int:exam_id>")
@declare("Cancel a scheduled exam and its overrides (head teacher); attempts stay", responses={204: None},
         errors=(403, 404, 409), tags=TAGS)
def cancel_class_exam(class_id: int, exam_id: int):
    exam, school_class = load_exam(class_id, exam_id, "class.manage")
    exam_rules.cancel_exam(current_user, school_class, exam)
    db.session.commit()
    return None, 204


@bp.get("/classes/<int:class_id>/exams/<int:exam_id>/overrides")
@declare("The exam's per-member overrides (head teacher), by username", query=PageQuery,
         responses={200: Page[ExamOverride]}, errors=(400, 403, 404), tags=TAGS)
def list_exam_overrides(class_id: int, exam_id: int, query: PageQuery):
    exam, _school_class = load_exam(class_id, exam_id, "class.manage")
    page = paginate(select(OverrideRow, User.username).join(User, User.id == OverrideRow.user_id)
                    .where(OverrideRow.exam_id == exam.id), [Key(User.username)], **page_request())
    page.items = [override_item(override, username) for override, username in page.items]
    return page


@bp.put("/classes/<int:class_id>/exams/<int:exam_id>/overrides/<username>")
@declare("Set a member's override (head teacher): a later window, another time limit (the member's "
         "accommodation factor applies on top), extra attempts; the reason is audited", body=OverrideIn,
         responses={200: ExamOverride}, errors=(403, 404, 409), path=USERNAME, tags=TAGS)
def set_exam_override(class_id: int, exam_id: int, username: str, body: OverrideIn):
    exam, school_class, member = _exam_member(class_id, exam_id, username)
    override = exam_rules.set_override(
        current_user, school_class, exam, member, opens_at=body.opens_at, closes_at=body.closes_at,
        time_limit_seconds=body.time_limit_seconds, extra_attempts=body.extra_attempts or 0, reason=body.reason)
    db.session.commit()
    return override_item(override, member.username)


@bp.post("/classes/<int:class_id>/exams/<int:exam_id>/resets/<username>")
@declare("Reset a member's finished attempts at the exam's quiz (head teacher): they no longer count "
         "toward attempts used or the grade; 409 attempt_open while one is in progress; the reason is "
         "audited", body=ResetIn, responses={200: ExamReset}, errors=(403, 404, 409), path=USERNAME,
         tags=TAGS)
def reset_exam_attempts(class_id: int, exam_id: int, username: str, body: ResetIn):
    exam, school_class, member = _exam_member(class_id, exam_id, username)
    ids = exam_rules.reset_attempts(current_user, school_class, exam, member, body.reason, utcnow())
    db.session.commit()
    return {"username": member.username, "reset": len(ids), "attempts": ids}


@bp.get("/me/exams")
@declare("The caller's scheduled exams across their classes, soonest first", query=PageQuery,
         responses={200: Page[Exam]}, errors=(400,), tags=TAGS)
def my_exams(query: PageQuery):
    return _exam_page(exam_rules.member_exams(current_user, utcnow()), members=True)
