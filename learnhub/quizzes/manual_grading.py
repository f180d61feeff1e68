"""Grading one answer by hand: points within the question's maximum and a comment, guarded by
the answer's version (two graders cannot overwrite each other), audited, then the attempt's
score from scoring.rescore (the one formula). Grading's queue and the staff attempt view call
`grade_answer_manually`; who may is the `attempt.grade` action (the classes and grading parts
register its policies)."""
from __future__ import annotations

import math

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from ..core.audit import audit
from ..core.errors import DomainError, FieldError, Forbidden, NotFound
from ..core.markdown import require_renderable
from ..core.permissions import allowed
from ..core.signals import attempt_graded
from ..core.text import is_valid_text
from ..extensions import db
from .grading import needs_manual_grading, question_of
from .models import Answer, Attempt, AttemptQuestion
from .scoring import rescore

COMMENT_MAX = 5000
REASON_MAX = 500


class InvalidPoints(FieldError):
    """422 `invalid_points`: not a number, not finite, or outside 0..the question's maximum."""

    code = "invalid_points"

    def __init__(self, max_points: float):
        super().__init__("points", _l("Points must be a number from 0 to %(max)s.", max=_points_text(max_points)))


class StaleVersion(DomainError):
    """409 `stale_version`: another grader saved first (answers here, submissions in grading)."""

    status, code = 409, "stale_version"

    def __init__(self, message=None):
        super().__init__(message or _l("Another grader changed this answer first. Reload it and grade again."))


class NotGradable(DomainError):
    status, code = 409, "not_gradable"


def _points_text(value: float) -> str:
    return f"{value:g}"


def gradable_answer(answer_id: int) -> tuple[Answer, Attempt, AttemptQuestion] | None:
    answer = db.session.get(Answer, answer_id)
    if answer is None:
        return None
    return answer, db.session.get(Attempt, answer.attempt_id), db.session.get(AttemptQuestion, answer.attempt_question_id)


def points_in_range(points, max_points: float) -> bool:
    """A grade a grader may give: a finite number (not a bool) from 0 to the maximum."""
    return (not isinstance(points, bool) and isinstance(points, (int, float)) and math.isfinite(points)
            and 0 <= points <= max_points + 1e-9)


def check_points(points, max_points: float) -> float:
    if not points_in_range(points, max_points):
        raise InvalidPoints(max_points)
    return min(float(points), max_points)


def _clean_text(value: str | None, field: str, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not is_valid_text(value):
        raise FieldError(field, _l("This text cannot be saved."))
    value = value.strip()
    if len(value) > limit:
        raise FieldError(field, _l("At most %(n)d characters.", n=limit))
    return value or None


def grade_answer_manually(actor, answer_id: int, points: float, comment: str | None,
                          version: int, reason: str | None = None) -> int:
    """Set the answer's points (and fraction = points / maximum) and the grader's comment if
    its version is still `version`; returns the new version. Flush only: the caller commits.

    404 no such answer; 403 the actor may not grade it; 409 `not_gradable` (the attempt is
    open or reset, or the question takes no answer); 422 `invalid_points`, a comment or
    reason too long or not renderable, or `reason_required` (changing the points of an
    automatically graded question needs a reason); 409 `stale_version` when another grader
    saved first (one guarded UPDATE: nothing is overwritten)."""
    found = gradable_answer(answer_id)
    if found is None:
        raise NotFound(_l("No answer %(id)s.", id=answer_id))
    answer, attempt, attempt_question = found
    if not allowed(actor, "attempt.grade", attempt):
        raise Forbidden(_l("You may not grade this answer."))
    question = question_of(attempt_question)
    if attempt.state == "in_progress" or attempt.reset_at is not None or question.type == "description":
        raise NotGradable(_l("This answer cannot be graded: its attempt is open or was reset."))
    max_points = attempt_question.points
    points = check_points(points, max_points)
    comment = _clean_text(comment, "comment", COMMENT_MAX)
    if comment is not None:
        require_renderable(comment, "comment")
    reason = _clean_text(reason, "reason", REASON_MAX)
    if not needs_manual_grading(question) and reason is None:
        raise DomainError(422, "reason_required",
                          _l("This answer was graded automatically: give a reason to change it."))
    if isinstance(version, bool) or not isinstance(version, int):
        raise FieldError("version", _l("The version is missing."))
    fraction = points / max_points if max_points else 1.0
    old = {"points": answer.points_awarded, "fraction": answer.fraction, "version": answer.version,
           "grader_id": answer.grader_id}
    result = db.session.execute(
        update(Answer).where(Answer.id == answer.id, Answer.version == version)
        .values(fraction=round(fraction, 6), points_awarded=round(points, 4), grader_id=actor.id,
                grader_comment=comment, version=Answer.version + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise StaleVersion()
    db.session.refresh(answer)
    audit(actor, "grade.change", answer, attempt=attempt.id, old=old,
          new={"points": answer.points_awarded, "fraction": answer.fraction, "version": answer.version},
          reason=reason, comment=comment)
    rescore(attempt, by_staff=True)
    if attempt.state != "needs_grading":
        # Also after a later change (an override turning a fail into a pass): the receivers
        # are idempotent (progress completes a unit once, results notify once per attempt).
        attempt_graded.send(current_app._get_current_object(), attempt=attempt)
    return answer.version
