"""Responses staff accepted for a short-answer question of a quiz, beyond the file's key.

Staff (grading.regrade) accept a near-miss some members gave (上党课 against the key 党课) as
right, or partly right, for every attempt, past and future. Past attempts are regraded by
grading; future ones are graded with it here: `accepted_responses(quiz_id)` is loaded once
per attempt grading and `accepted_fraction` looked up per short answer (quizzes.grading).

A question is identified within its quiz by `question_key`: its ::title:: in the file, or
for an untitled question its stem text. Both survive a fixed key (the answer block), so a
response accepted before the fix still applies after it. Responses are stored normalised
exactly as the short type compares them (`normalise_response`).
"""
from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from ..core.types import UTCDateTime, utcnow
from ..extensions import db
from .types import _normalise_text

RESPONSE_MAX = 500      # characters of an accepted response (normalised)
_TITLE_KEY_MAX = 100    # a longer title is keyed by its hash


class AcceptedResponse(db.Model):
    __tablename__ = "accepted_responses"
    __table_args__ = (
        UniqueConstraint("quiz_id", "question_key", "response"),
        CheckConstraint("fraction > 0 AND fraction <= 1", name="fraction_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    question_key: Mapped[str] = mapped_column(
        String(120), comment="the question within the quiz: 't:' + its title, or 'h:' + a hash of its stem")
    response: Mapped[str] = mapped_column(String(RESPONSE_MAX), comment="normalised as short answers compare")
    fraction: Mapped[float] = mapped_column(comment="credit for this response, 0 < fraction <= 1")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def normalise_response(text: str) -> str:
    """A response as the short type compares it: NFKC (full-width = ASCII), whitespace runs
    as one space, trimmed, case-folded."""
    return _normalise_text(text)


def question_key(title: str | None, text: str) -> str:
    """A question's identity within its quiz (of a Question or a snapshot's title and text)."""
    if title and len(title) <= _TITLE_KEY_MAX:
        return f"t:{title}"
    source = f"t:{title}" if title else f"x:{text}"
    return "h:" + hashlib.sha256(source.encode("utf-8")).hexdigest()[:40]


def accepted_responses(quiz_id: int) -> dict[tuple[str, str], float]:
    """(question key, normalised response) -> fraction: the quiz's accepted responses (one query)."""
    return {(key, response): fraction for key, response, fraction in db.session.execute(
        select(AcceptedResponse.question_key, AcceptedResponse.response, AcceptedResponse.fraction)
        .where(AcceptedResponse.quiz_id == quiz_id))}


def accepted_fraction(accepted: dict[tuple[str, str], float] | None, question, response) -> float:
    """The credit staff accepted for this short answer (0.0 when none)."""
    if not accepted or question.type != "short" or not isinstance(response, str):
        return 0.0
    given = normalise_response(response)
    if not given:
        return 0.0
    return accepted.get((question_key(question.title, question.text), given), 0.0)
