"""The API for completion (grading.completion): who qualifies, the class's rules, confirming."""
from __future__ import annotations

from operator import attrgetter
from typing import Annotated, Optional

from flask_login import current_user
from pydantic import Field

from ..classes.loaders import load_class
from ..core.pagination import Key, page_of_sorted, page_request
from ..core.types import utcnow
from ..extensions import db
from ..grading.completion import services as completion
from ..grading.completion.models import CompletionRules
from . import bp
from .schema import ApiDateTime, Body, Id, Out, Page, PageQuery, declare

TAGS = ("completion",)
Percent = Annotated[int, Field(ge=0, le=100)]
Usernames = Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]],
                      Field(min_length=1, max_length=completion.MAX_USERNAMES)]


class CompletionItem(Out):
    """A member's final grade and completion"""

    username: str
    display_name: str
    student_no: Optional[str]
    qualifies: bool
    final_grade: Optional[float] = Field(description="0..100; null: nothing to grade yet")
    exam_percent: Optional[float]
    reflection_percent: Optional[float]
    attendance_rate: Optional[float] = Field(description="0..1; null: no session counted")
    units_completed: int
    units_total: int
    reasons: list[str] = Field(description="why the member does not qualify, in the caller's language")
    confirmed: bool
    confirmed_at: Optional[ApiDateTime]


class Rules(Out):
    """Completion rules"""

    weight_exam: int
    weight_reflection: int
    weight_attendance: int
    min_attendance: int
    pass_mark: int
    require_units: bool
    require_exam_pass: bool
    block_on_findings: bool
    final_exam: Optional[int] = Field(description="the exam id chosen as final; null: the exam closing last")


class RulesIn(Body):
    """Only the fields sent change; the weights must add up to 100 (422 weights_sum)."""

    weight_exam: Optional[Percent] = None
    weight_reflection: Optional[Percent] = None
    weight_attendance: Optional[Percent] = None
    min_attendance: Optional[Percent] = None
    pass_mark: Optional[Percent] = None
    require_units: Optional[bool] = None
    require_exam_pass: Optional[bool] = None
    block_on_findings: Optional[bool] = None
    final_exam: Optional[Id] = Field(None, description="an exam id of the class; null: the exam closing last")


class ConfirmIn(Body):
    usernames: Usernames
    reason: Optional[str] = Field(None, max_length=completion.REASON_MAX,
                                  description="needed to confirm members who do not qualify; audited")


class Confirmed(Out):
    """Confirmed members"""

    confirmed: list[str]


def completion_item(row: completion.MemberCompletion) -> dict:
    return {"username": row.username, "display_name": row.display_name, "student_no": row.student_no,
            "qualifies": row.qualifies, "final_grade": row.final_grade, "exam_percent": row.exam_percent,
            "reflection_percent": row.reflection_percent, "attendance_rate": row.attendance_rate,
            "units_completed": row.units_done, "units_total": row.units_total,
            "reasons": [str(reason) for reason in row.reasons], "confirmed": row.confirmed,
            "confirmed_at": row.confirmation.confirmed_at if row.confirmation else None}


def rules_item(rules: CompletionRules) -> dict:
    return {name: getattr(rules, name) for name in (*completion.WEIGHTS, *completion.PERCENTS, *completion.SWITCHES)} | {
        "final_exam": rules.final_exam_id}


@bp.get("/classes/<int:class_id>/completion")
@declare("Each member's final grade, whether they qualify to complete the class and, if not, why "
         "(class staff), by username", query=PageQuery, responses={200: Page[CompletionItem]},
         errors=(400, 403, 404), tags=TAGS)
def get_completion(class_id: int, query: PageQuery):
    school_class = load_class(class_id, "class.staff")
    rows = completion.class_completion(school_class, utcnow()).rows
    page = page_of_sorted(rows, [Key(attrgetter("username"))], **page_request())
    page.items = [completion_item(row) for row in page.items]
    return page


@bp.get("/classes/<int:class_id>/completion/rules")
@declare("The class's completion rules (head teacher): weights, thresholds, the final exam",
         responses={200: Rules}, errors=(403, 404), tags=TAGS)
def get_completion_rules(class_id: int):
    return rules_item(completion.class_rules(load_class(class_id, "class.manage")))


@bp.patch("/classes/<int:class_id>/completion/rules")
@declare("Change the class's completion rules (head teacher); audited", body=RulesIn, responses={200: Rules},
         errors=(403, 404, 409), tags=TAGS)
def update_completion_rules(class_id: int, body: RulesIn):
    school_class = load_class(class_id, "class.manage")
    values = {name: getattr(body, name) for name in body.model_fields_set if getattr(body, name) is not None
              and name != "final_exam"}
    if "final_exam" in body.model_fields_set:
        values["final_exam_id"] = body.final_exam
    rules = completion.update_rules(current_user, school_class, values)
    db.session.commit()
    return rules_item(rules)


@bp.post("/classes/<int:class_id>/completion/confirm")
@declare("Confirm that members completed the class (head teacher): 409 not_qualified for members who "
         "do not qualify unless a reason is given; already confirmed members stay; audited",
         body=ConfirmIn, responses={200: Confirmed}, errors=(403, 404, 409), tags=TAGS)
def confirm_completion(class_id: int, body: ConfirmIn):
    school_class = load_class(class_id, "class.manage")
    completion.confirm(current_user, school_class, body.usernames, utcnow(), body.reason)
    db.session.commit()
    return {"confirmed": [completion.normalise_username(name)[:64] for name in body.usernames]}
