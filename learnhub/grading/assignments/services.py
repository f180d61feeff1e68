"""Written assignments of a class: the head teacher's assignments, what gradebook and
completion read (`class_assignments`, `assignment_grades`), grading a submission, releasing
held grades, and the class's grading-queue source.

Decisions: only the head teacher (class.manage) sets, edits, deletes and releases; graders
and the head teacher (class.staff) grade. An assignment is deleted only while nobody has
submitted to it (drafts go with it); afterwards it stays (409 `has_submissions`). A grade is
visible to the member at once, or, when the assignment holds results, from the release on.

The member's side (drafts, submitting) is in submissions.py. Functions take explicit
arguments and flush; the caller commits.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ...auth.models import User
from ...classes.models import SchoolClass
from ...classes.services import ensure_writable
from ...core.audit import audit
from ...core.errors import DomainError, FieldError, NotFound
from ...core.markdown import render_member_markdown, require_renderable
from ...core.notifications import notify, site_path
from ...core.text import require_valid_text
from ...core.times import check_time
from ...core.types import utcnow
from ...extensions import db
from ...quizzes.manual_grading import NotGradable, StaleVersion, points_in_range
from .models import COMMENT_MAX, INSTRUCTIONS_MAX, KINDS, TITLE_MAX, Assignment, Submission

MAX_POINTS_LIMIT = 10_000
MIN_LENGTH_LIMIT = 20_000


class AssignmentError(DomainError):
    status, code = 422, "invalid_assignment"


class HasSubmissions(DomainError):
    status, code = 409, "has_submissions"


class InvalidPoints(DomainError):
    """422 `invalid_points` as for answers, without a form field (the queue shows it above)."""

    status, code = 422, "invalid_points"


# ---- the head teacher's assignments ------------------------------------------------------------

def _number(value, field: str, low: float, high: float, whole: bool = False):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise FieldError(field, _l("'%(field)s' must be a number.", field=field))
    if whole and value != int(value):
        raise FieldError(field, _l("'%(field)s' must be a whole number.", field=field))
    if not low <= value <= high:
        raise FieldError(field, _l("'%(field)s' must be between %(low)s and %(high)s.", field=field,
                                   low=low, high=high))
    return int(value) if whole else float(value)


def clean_text(value, field: str, maximum: int) -> str:
    """A Markdown text (instructions, a grader's comment, a member's answer) checked: a string
    of at most `maximum` characters, valid text that renders (422 naming `field` otherwise)."""
    if not isinstance(value, str):
        raise FieldError(field, _l("The text must be a string."))
    if len(value) > maximum:
        raise FieldError(field, _l("The text is longer than %(n)d characters.", n=maximum))
    require_valid_text(value, field)
    require_renderable(value, field)
    return value


def clean_fields(title, instructions, kind, due_at, max_points, min_length) -> dict:
    """The fields checked (422 naming the field at fault) and normalised."""
    if not isinstance(title, str) or not title.strip():
        raise FieldError("title", _l("An assignment needs a title."))
    title = title.strip()
    if len(title) > TITLE_MAX:
        raise FieldError("title", _l("The title is longer than %(n)d characters.", n=TITLE_MAX))
    require_valid_text(title, "title")
    instructions = clean_text(instructions or "", "instructions", INSTRUCTIONS_MAX)
    if kind not in KINDS:
        raise FieldError("kind", _l("Choose a kind of assignment."))
    if not isinstance(due_at, datetime) or due_at.tzinfo is None:
        raise FieldError("due_at", _l("Give the due time."))
    check_time(due_at, "due_at")
    return {"title": title, "instructions": instructions, "kind": kind, "due_at": due_at,
            "max_points": _number(max_points, "max_points", 0.5, MAX_POINTS_LIMIT),
            "min_length": _number(min_length or 0, "min_length", 0, MIN_LENGTH_LIMIT, whole=True)}


def create_assignment(actor: User, school_class: SchoolClass, title, instructions, kind, due_at,
                      max_points, min_length=0, hold_results: bool = False) -> Assignment:
    """A new assignment of the class. The caller checked `class.manage`."""
    ensure_writable(school_class)
    fields = clean_fields(title, instructions, kind, due_at, max_points, min_length)
    assignment = Assignment(class_id=school_class.id, created_by_id=actor.id, hold_results=bool(hold_results),
                            **fields)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def update_assignment(actor: User, school_class: SchoolClass, assignment: Assignment, title, instructions,
                      kind, due_at, max_points, min_length=0, hold_results: bool = False) -> Assignment:
    """Change an assignment. Lowering max_points below a grade already given is refused; a new
    due time recomputes nobody's late mark (it was set when they submitted)."""
    ensure_writable(school_class)
    fields = clean_fields(title, instructions, kind, due_at, max_points, min_length)
    highest = db.session.scalar(select(func.max(Submission.points)).where(
        Submission.assignment_id == assignment.id))
    if highest is not None and fields["max_points"] < highest:
        raise FieldError("max_points", _l("A submission already has %(points)s points: the maximum cannot be "
                                          "lower.", points=highest))
    for name, value in fields.items():
        setattr(assignment, name, value)
    was_held = assignment.hold_results
    assignment.hold_results = bool(hold_results)
    if was_held and not assignment.hold_results and assignment.released_at is None:
        _notify_graded(assignment, _unreleased_graded(assignment))   # no longer held: visible now
    db.session.flush()
    return assignment


def delete_assignment(actor: User, school_class: SchoolClass, assignment: Assignment) -> None:
    """Delete it (drafts with it) while nobody has submitted; 409 `has_submissions` after."""
    ensure_writable(school_class)
    submitted = db.session.scalar(select(func.count()).select_from(Submission).where(
        Submission.assignment_id == assignment.id, Submission.state != "draft"))
    if submitted:
        raise HasSubmissions(_l("Members have submitted to this assignment: it can no longer be deleted."))
    audit(actor, "assignment.delete", assignment, class_id=school_class.id, title=assignment.title)
    db.session.delete(assignment)
    db.session.flush()


def release_results(actor: User, school_class: SchoolClass, assignment: Assignment, now: datetime | None = None) -> int:
    """Release held grades: those given so far and every later one become visible; the members
    graded so far are notified. Returns how many were notified. Idempotent."""
    ensure_writable(school_class)
    if assignment.released_at is not None or not assignment.hold_results:
        return 0
    graded = _unreleased_graded(assignment)
    assignment.released_at = now or utcnow()
    audit(actor, "assignment.release", assignment, class_id=school_class.id, graded=len(graded))
    _notify_graded(assignment, graded)
    db.session.flush()
    return len(graded)


def _unreleased_graded(assignment: Assignment) -> list[int]:
    return list(db.session.scalars(select(Submission.user_id).where(
        Submission.assignment_id == assignment.id, Submission.state == "graded")))


def _notify_graded(assignment: Assignment, user_ids: list[int]) -> None:
    notify(user_ids, "submission_graded", _l("Your assignment %(title)s was graded.", title=assignment.title),
           site_path("assignments.show", assignment_id=assignment.id))


# ---- reading -----------------------------------------------------------------------------------

def get_assignment(assignment_id: int) -> Assignment | None:
    return db.session.get(Assignment, assignment_id)


def class_assignments(class_id: int) -> list[Assignment]:
    """The class's assignments by due time (id, title, kind, due_at, max_points, ...)."""
    return list(db.session.scalars(select(Assignment).where(Assignment.class_id == class_id)
                                   .order_by(Assignment.due_at, Assignment.id)))


def results_visible(assignment: Assignment) -> bool:
    """Whether members see the grades of this assignment (graded ones)."""
    return not assignment.hold_results or assignment.released_at is not None


@dataclass(frozen=True)
class SubmissionGrade:
    points: float | None      # None until graded
    max_points: float
    submitted_at: datetime | None
    late: bool
    released: bool            # the member sees the grade


def assignment_grades(class_id: int) -> dict[tuple[int, int], SubmissionGrade]:
    """{(user_id, assignment_id): SubmissionGrade} for the class's submitted and graded
    submissions (drafts are not there): one query."""
    rows = db.session.execute(
        select(Submission.user_id, Submission.assignment_id, Submission.state, Submission.points,
               Submission.submitted_at, Submission.late, Assignment.max_points, Assignment.hold_results,
               Assignment.released_at)
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .where(Assignment.class_id == class_id, Submission.state != "draft")).all()
    grades = {}
    for user_id, assignment_id, state, points, submitted_at, late, max_points, hold, released_at in rows:
        graded = state == "graded"
        grades[(user_id, assignment_id)] = SubmissionGrade(
            points=points if graded else None, max_points=max_points, submitted_at=submitted_at, late=late,
            released=graded and (not hold or released_at is not None))
    return grades


def get_submission(submission_id: int) -> Submission | None:
    return db.session.get(Submission, submission_id)


def comment_html(submission: Submission) -> str | None:
    return render_member_markdown(submission.comment) if submission.comment else None


# ---- grading -----------------------------------------------------------------------------------

def clean_comment(comment) -> str | None:
    if comment is None or (isinstance(comment, str) and not comment.strip()):
        return None
    return clean_text(comment, "comment", COMMENT_MAX)


def grade_submission(actor, submission_id: int, points, comment, version: int) -> int:
    """Grade (or regrade) a submitted submission; returns its new version.

    409 `stale_version` when another grader saved (or the member resubmitted) since the caller
    read `version`; 422 `invalid_points` outside 0..max_points; 409 `not_gradable` for a draft.
    Audited as `grade.change` (old and new points). The member is notified when the grade is
    visible to them (at once, or at the release when the assignment holds results). The
    caller checked `class.staff` of the assignment's class."""
    submission = get_submission(submission_id)
    if submission is None:
        raise NotFound(_l("No submission %(id)s.", id=submission_id))
    assignment = db.session.get(Assignment, submission.assignment_id)
    ensure_writable(db.session.get(SchoolClass, assignment.class_id))
    if submission.state == "draft":
        raise NotGradable(_l("This text has not been submitted yet."))
    if not points_in_range(points, assignment.max_points):
        raise InvalidPoints(_l("Points must be between 0 and %(max)s.", max=_shown(assignment.max_points)))
    points = min(float(points), assignment.max_points)
    comment = clean_comment(comment)
    if version != submission.version:
        raise StaleVersion(_l("Someone else changed this submission meanwhile. Reload it and grade again."))
    old = {"points": submission.points, "state": submission.state}
    now = utcnow()
    # The version guard in the UPDATE itself: of two graders saving at once, one wins.
    changed = db.session.execute(
        update(Submission).where(Submission.id == submission.id, Submission.version == version)
        .values(points=float(points), comment=comment, state="graded", grader_id=getattr(actor, "id", None),
                graded_at=now, version=version + 1, updated_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise StaleVersion(_l("Someone else changed this submission meanwhile. Reload it and grade again."))
    db.session.refresh(submission)
    audit(actor, "grade.change", submission, kind="submission", assignment_id=assignment.id,
          user_id=submission.user_id, old=old["points"], new=float(points), old_state=old["state"])
    if results_visible(assignment):
        _notify_graded(assignment, [submission.user_id])
    db.session.flush()
    return submission.version


def _shown(number: float) -> str:
    return f"{number:g}"


# ---- the staff's list --------------------------------------------------------------------------

@dataclass
class SubmissionRow:
    user_id: int
    username: str
    display_name: str
    student_no: str | None
    submission: Submission | None

    @property
    def state(self) -> str:
        return self.submission.state if self.submission else "not_started"

    @property
    def length(self) -> int:
        return text_length(self.submission.body) if self.submission else 0


def text_length(body: str | None) -> int:
    """Characters that count towards the minimum: every character except whitespace."""
    return sum(1 for ch in (body or "") if not ch.isspace())


def submission_rows(assignment: Assignment) -> list[SubmissionRow]:
    """Every member of the class with their submission (or none), by student number then
    username: one query."""
    from ...classes.models import Membership

    rows = db.session.execute(
        select(User.id, User.username, User.display_name, Membership.student_no, Submission)
        .join(Membership, Membership.user_id == User.id)
        .outerjoin(Submission, (Submission.user_id == User.id) & (Submission.assignment_id == assignment.id))
        .where(Membership.class_id == assignment.class_id, Membership.role == "member")
        .order_by(Membership.student_no, User.username)).all()
    return [SubmissionRow(*row) for row in rows]
