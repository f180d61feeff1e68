"""A member's submission: the draft autosaved as they write, submitting, resubmitting.

Decisions: a draft may be any length up to BODY_MAX (the minimum is checked on submit, 422
`too_short` saying how many characters are there and needed, whitespace not counted). Late
submissions are accepted and marked late (submitted_at > due_at, decided at each submission).
Until it is graded the member may change the text and submit again (the late mark and the
version follow the new submission, so a grader holding the old text gets 409); a submitted
text is not turned back into a draft by an autosave (409 `already_submitted`: submit the new
text instead). Once graded nothing changes (409 `already_graded`).
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...auth.models import User
from ...classes.models import SchoolClass
from ...classes.services import ensure_writable
from ...core.database import add_or_get
from ...core.errors import DomainError
from ...core.types import utcnow
from ...extensions import db
from .models import BODY_MAX, Assignment, Submission
from .services import clean_text, text_length


class TooShort(DomainError):
    status, code = 422, "too_short"


class AlreadyGraded(DomainError):
    status, code = 409, "already_graded"


class AlreadySubmitted(DomainError):
    status, code = 409, "already_submitted"


def clean_body(body) -> str:
    if body is None:
        body = ""
    return clean_text(body, "body", BODY_MAX)


def member_submission(user: User, assignment: Assignment) -> Submission | None:
    return db.session.scalar(select(Submission).where(Submission.assignment_id == assignment.id,
                                                      Submission.user_id == user.id))


def save_submission(user: User, school_class: SchoolClass, assignment: Assignment, body, submit: bool,
                    now: datetime | None = None) -> Submission:
    """Save the member's text as a draft, or submit it (`submit`). The caller checked that the
    user is a member of the class. Refusals change nothing."""
    ensure_writable(school_class)
    body = clean_body(body)
    now = now or utcnow()
    submission = member_submission(user, assignment)
    if submission is not None and submission.state == "graded":
        raise AlreadyGraded(_l("This assignment is graded: the text can no longer be changed."))
    if submission is not None and submission.state == "submitted" and not submit:
        raise AlreadySubmitted(_l("The text is submitted already: to change it, submit it again."))
    if submit:
        length = text_length(body)
        if length == 0 or length < assignment.min_length:
            raise TooShort(_l("The text has %(n)d characters; this assignment needs at least %(min)d "
                              "(spaces and line breaks are not counted).", n=length, min=max(assignment.min_length, 1)))
    if submission is None:
        submission, _created = add_or_get(
            db.session, Submission(assignment_id=assignment.id, user_id=user.id, body=body, state="draft",
                                   saved_at=now), lambda: member_submission(user, assignment))
    submission.body = body
    submission.saved_at = now
    if submit:
        submission.state = "submitted"
        submission.submitted_at = now
        submission.late = now > assignment.due_at
        submission.version = (submission.version or 1) + 1
    db.session.flush()
    return submission


def member_rows(user: User, school_class: SchoolClass) -> list[tuple[Assignment, Submission | None]]:
    """The class's assignments by due time, each with the member's submission: one query."""
    rows = db.session.execute(
        select(Assignment, Submission)
        .outerjoin(Submission, (Submission.assignment_id == Assignment.id) & (Submission.user_id == user.id))
        .where(Assignment.class_id == school_class.id)
        .order_by(Assignment.due_at, Assignment.id)).all()
    return [(a, s) for a, s in rows]
