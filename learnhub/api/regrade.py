"""/api/v1 accepted responses and regrades (grading.regrade): preview with dry_run, then apply."""
from __future__ import annotations

from typing import Annotated, Optional

from flask_login import current_user
from pydantic import Field

from ..extensions import db
from ..grading.regrade import services
from ..grading.regrade.loaders import load_regrade_quiz
from ..quizzes.accepted import RESPONSE_MAX
from . import bp
from .schema import Body, Out, declare, text

TAGS = ("grading",)
QUESTION = {"question": {"description": "the question's number in the quiz file as it is now (1 = the "
                                        "first; text-only items count), as the near-miss page shows it"}}


class AcceptIn(Body):
    response: text(RESPONSE_MAX) = Field(description="the response to accept, compared as short answers are "
                                                     "(case, spaces and full-width letters do not matter)")
    fraction: Annotated[float, Field(ge=services.MIN_FRACTION, le=1)] = Field(1.0, description="credit: 1 right, 0.5 half right")
    dry_run: bool = Field(description="true: a preview that changes nothing")


class RegradeIn(Body):
    dry_run: bool = Field(description="true: a preview that changes nothing")


class ChangeOut(Out):
    attempt: int
    username: str
    old_score: Optional[float]
    new_score: Optional[float]
    max_score: Optional[float]
    old_passed: Optional[bool]
    new_passed: Optional[bool]


class OutcomeOut(Out):
    """Regrade"""

    attempts: int = Field(description="finished attempts considered (not in progress, not reset)")
    changed: int = Field(description="how many of them change score")
    changes: list[ChangeOut]


def _outcome(outcome: services.Outcome) -> dict:
    return {"attempts": outcome.attempts, "changed": outcome.changed,
            "changes": [{"attempt": c.attempt, "username": c.username, "old_score": c.old_score,
                         "new_score": c.new_score, "max_score": c.max_score, "old_passed": c.old_passed,
                         "new_passed": c.new_passed} for c in outcome.changes]}


@bp.post("/courses/<course_slug>/quizzes/<quiz_slug>/questions/<int:question>/accept")
@declare("Accept a short answer as right or partly right for every finished attempt and future ones "
         "(staff, instructors). {question}: the question's number in the quiz file as it is now. No grade is "
         "lowered, hand-graded answers are left alone; dry_run previews; applying twice changes nothing",
         body=AcceptIn, responses={200: OutcomeOut}, errors=(403, 404), path=QUESTION, tags=TAGS)
def accept_response(course_slug: str, quiz_slug: str, question: int, body: AcceptIn):
    target = load_regrade_quiz(course_slug, quiz_slug)
    outcome = services.accept_response(current_user, target.row, target.quiz, question, body.response,
                                       body.fraction, dry_run=body.dry_run)
    if not body.dry_run:
        db.session.commit()
    return _outcome(outcome)


@bp.post("/courses/<course_slug>/quizzes/<quiz_slug>/regrade")
@declare("Regrade the quiz's finished attempts with the quiz file's current keys (staff, instructors): "
         "questions matched by title (or text when untitled), hand-graded answers and questions no longer in "
         "the file left alone; dry_run previews; idempotent", body=RegradeIn, responses={200: OutcomeOut},
         errors=(403, 404), tags=TAGS)
def regrade_quiz(course_slug: str, quiz_slug: str, body: RegradeIn):
    target = load_regrade_quiz(course_slug, quiz_slug)
    outcome = services.regrade_quiz(current_user, target.row, target.quiz, dry_run=body.dry_run)
    if not body.dry_run:
        db.session.commit()
    return _outcome(outcome)
