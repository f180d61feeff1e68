"""/api/v1 integrity findings on an attempt (grading.attempt_review): record one, withdraw the
standing one. Who may: as the staff page's forms ("attempt.finding")."""
from __future__ import annotations

from typing import Optional

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from pydantic import Field

from ..core.errors import NotFound
from ..core.types import utcnow
from ..extensions import db
from ..grading.attempt_review.services import REASON_MAX, record_finding, standing_finding, withdraw_finding
from ..quizzes.loaders import load_attempt
from . import bp
from .schema import ApiDateTime, Body, Out, declare, text

TAGS = ("grading",)


class FindingIn(Body):
    reason: text(REASON_MAX) = Field(description="what staff found (recording) or why it is withdrawn")


class FindingRecorded(Out):
    """A recorded integrity finding"""

    id: int
    reason: str
    recorded_at: ApiDateTime
    recorded_by_id: Optional[int] = Field(description="who recorded it (null once that account is deleted)")


class FindingWithdrawn(Out):
    """A withdrawn integrity finding"""

    id: int
    withdrawn_at: ApiDateTime


@bp.post("/attempts/<int:attempt_id>/findings")
@declare("Record an integrity finding on the attempt (its exam class's staff, the school's staff and "
         "admins); audited; 409 `finding_exists` when one stands already",
         body=FindingIn, responses={201: FindingRecorded}, errors=(403, 404, 409), tags=TAGS)
def record_attempt_finding(attempt_id: int, body: FindingIn):
    found = load_attempt(attempt_id, "attempt.finding")
    finding = record_finding(current_user, found.attempt, body.reason, utcnow())
    db.session.commit()
    return finding, 201


@bp.post("/attempts/<int:attempt_id>/findings/withdraw")
@declare("Withdraw the attempt's standing integrity finding with a reason (as recording); audited; "
         "404 `not_found` when none stands",
         body=FindingIn, responses={200: FindingWithdrawn}, errors=(403, 404), tags=TAGS)
def withdraw_attempt_finding(attempt_id: int, body: FindingIn):
    found = load_attempt(attempt_id, "attempt.finding")
    standing = standing_finding(found.attempt)
    if standing is None:
        raise NotFound(_l("No finding stands on this attempt."))
    finding = withdraw_finding(current_user, found.attempt, standing.id, body.reason, utcnow())
    db.session.commit()
    return finding
