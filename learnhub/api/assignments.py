"""The API for assignments (grading.assignments): declared with api.schema.declare; the same
loaders and services as the pages."""
from __future__ import annotations

from typing import Literal, Optional

from flask import url_for
from flask_login import current_user
from pydantic import Field

from ..classes.loaders import load_class
from ..core.markdown import render_staff_markdown
from ..core.permissions import allowed
from ..extensions import db
from ..grading.assignments import services as rules, submissions as writing
from ..grading.assignments.loaders import load_assignment, load_submission
from ..grading.assignments.models import BODY_MAX, COMMENT_MAX, INSTRUCTIONS_MAX, KINDS, STATES, TITLE_MAX
from . import bp
from .schema import ApiDateTime, Body, Out, Page, declare, text

TAGS = ("assignments",)

# ---- schemas -----------------------------------------------------------------------------------


class AssignmentIn(Body):
    title: text(TITLE_MAX)
    instructions: text(INSTRUCTIONS_MAX, blank=True) = Field("", description="Markdown")
    kind: Literal[KINDS] = Field(description="reflection (心得体会), report (思想汇报) or other")
    due_at: ApiDateTime = Field(description="later submissions are accepted and marked late")
    max_points: float = Field(gt=0, le=rules.MAX_POINTS_LIMIT)
    min_length: int = Field(0, ge=0, le=rules.MIN_LENGTH_LIMIT,
                            description="characters the submitted text needs, whitespace not counted")
    hold_results: bool = Field(False, description="grades hidden from members until staff release them")


class SubmissionIn(Body):
    body: text(BODY_MAX, blank=True) = Field(
        description="Markdown; a text over the member renderer's bounds is 422 `invalid_field`")
    submit: bool = Field(False, description="false: save the draft (any length); true: submit (422 "
                                            "`too_short` under min_length; resubmitting before grading is allowed)")


class GradeIn(Body):
    points: float = Field(description="0..max_points, else 422 `invalid_points`")
    comment: Optional[text(COMMENT_MAX, blank=True)] = Field(None, description="Markdown, shown to the member")
    version: int = Field(ge=0, le=2**31 - 1, description="the submission's version read; 409 `stale_version` "
                                                         "when it changed since")


class MySubmission(Out):
    id: int
    body: str
    state: Literal[STATES]
    late: bool
    saved_at: ApiDateTime
    submitted_at: Optional[ApiDateTime]
    length: int = Field(description="characters, whitespace not counted")
    points: Optional[float] = Field(None, description="once graded and released")
    comment_html: Optional[str] = Field(None, description="once graded and released")


class AssignmentOut(Out):
    """Assignment"""

    id: int
    class_id: int
    title: str
    kind: Literal[KINDS]
    due_at: ApiDateTime
    max_points: float
    min_length: int
    hold_results: bool
    released_at: Optional[ApiDateTime]
    url: str
    state: Optional[str] = Field(None, description="a member's: not_started, draft, submitted, graded")
    instructions: Optional[str] = Field(None, description="Markdown (one assignment only)")
    instructions_html: Optional[str] = Field(None, description="rendered, sanitised (one assignment only)")
    submission: Optional[MySubmission] = Field(None, description="the caller's (members), null before the first save")


class SubmissionItem(Out):
    id: Optional[int] = Field(description="null: nothing saved yet")
    username: str
    display_name: str
    student_no: Optional[str]
    state: str = Field(description="not_started, draft, submitted, graded")
    late: bool
    length: int
    submitted_at: Optional[ApiDateTime]
    points: Optional[float]
    version: Optional[int]


class SubmissionList(Out):
    items: list[SubmissionItem]


class Graded(Out):
    version: int


def assignment_out(assignment, state: str | None = None) -> dict:
    out = {"id": assignment.id, "class_id": assignment.class_id, "title": assignment.title, "kind": assignment.kind,
           "due_at": assignment.due_at, "max_points": assignment.max_points, "min_length": assignment.min_length,
           "hold_results": assignment.hold_results, "released_at": assignment.released_at,
           "url": url_for("assignments.show", assignment_id=assignment.id)}
    if state is not None:
        out["state"] = state
    return out


def my_submission_out(assignment, submission) -> dict | None:
    if submission is None:
        return None
    out = {"id": submission.id, "body": submission.body, "state": submission.state, "late": submission.late,
           "saved_at": submission.saved_at, "submitted_at": submission.submitted_at,
           "length": rules.text_length(submission.body)}
    if submission.state == "graded" and rules.results_visible(assignment):
        out.update(points=submission.points, comment_html=rules.comment_html(submission))
    return out


# ---- routes ------------------------------------------------------------------------------------

@bp.get("/classes/<int:class_id>/assignments")
@declare("The class's assignments by due time; a member's carry their `state`", responses={200: Page[AssignmentOut]},
         errors=(404,), tags=TAGS)
def list_class_assignments(class_id: int):
    """A class has few assignments: one page (`next` is null)."""
    school_class = load_class(class_id)
    if allowed(current_user, "class.member", school_class):
        items = [assignment_out(a, s.state if s else "not_started") for a, s in writing.member_rows(current_user, school_class)]
    else:
        items = [assignment_out(a) for a in rules.class_assignments(school_class.id)]
    return {"items": items, "next": None}


@bp.post("/classes/<int:class_id>/assignments")
@declare("Set an assignment for the class (its head teacher); 409 when archived", body=AssignmentIn,
         responses={201: AssignmentOut}, errors=(403, 404, 409), tags=TAGS)
def create_assignment(class_id: int, body: AssignmentIn):
    school_class = load_class(class_id, "class.manage")
    assignment = rules.create_assignment(current_user, school_class, body.title, body.instructions, body.kind,
                                         body.due_at, body.max_points, body.min_length, body.hold_results)
    db.session.commit()
    return assignment_out(assignment), 201


@bp.get("/assignments/<int:assignment_id>")
@declare("One assignment with its instructions and the caller's `submission`", responses={200: AssignmentOut},
         errors=(404,), tags=TAGS)
def get_assignment(assignment_id: int):
    assignment, school_class = load_assignment(assignment_id)
    out = assignment_out(assignment)
    out.update(instructions=assignment.instructions,
               instructions_html=render_staff_markdown(assignment.instructions or ""))
    if allowed(current_user, "class.member", school_class):
        submission = writing.member_submission(current_user, assignment)
        out.update(state=submission.state if submission else "not_started",
                   submission=my_submission_out(assignment, submission))
    return out


@bp.put("/assignments/<int:assignment_id>/submission")
@declare("Save the caller's draft or submit it (a member of the class); 409 `already_graded`, "
         "`already_submitted` (a draft save after submitting), `class_archived`; 422 `too_short`",
         body=SubmissionIn, responses={200: MySubmission}, errors=(403, 404, 409), tags=TAGS)
def save_submission(assignment_id: int, body: SubmissionIn):
    assignment, school_class = load_assignment(assignment_id, "class.member")
    submission = writing.save_submission(current_user, school_class, assignment, body.body, body.submit)
    db.session.commit()
    return my_submission_out(assignment, submission)


@bp.get("/assignments/<int:assignment_id>/submissions")
@declare("Every member of the class with their submission's state (staff of the class); drafts show "
         "only as a state", responses={200: SubmissionList}, errors=(403, 404), tags=TAGS)
def list_submissions(assignment_id: int):
    assignment, _school_class = load_assignment(assignment_id, "class.staff")
    items = []
    for row in rules.submission_rows(assignment):
        s = row.submission
        shown = s is not None and s.state != "draft"
        items.append({"id": s.id if shown else None, "username": row.username, "display_name": row.display_name,
                      "student_no": row.student_no, "state": row.state, "late": bool(s and s.late),
                      "length": row.length if shown else 0, "submitted_at": s.submitted_at if shown else None,
                      "points": s.points if shown else None, "version": s.version if shown else None})
    return {"items": items}


@bp.put("/submissions/<int:submission_id>/grade")
@declare("Grade a submitted text (staff of the class): 409 `stale_version`, `not_gradable`; 422 "
         "`invalid_points`; audited; the member is notified once the grade is visible to them",
         body=GradeIn, responses={200: Graded}, errors=(403, 404, 409), tags=TAGS)
def grade_submission(submission_id: int, body: GradeIn):
    submission, _assignment, _school_class = load_submission(submission_id, "class.staff")
    version = rules.grade_submission(current_user, submission.id, body.points, body.comment, body.version)
    db.session.commit()
    return {"version": version}
