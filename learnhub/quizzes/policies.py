"""Who may do what with quizzes and attempts (asked through core.permissions.allowed)."""
from __future__ import annotations

from ..core.permissions import allowed, register_policy, register_role_policy

# Global roles that see every member's attempts (with their integrity evidence).
REVIEWER_ROLES = ("staff", "instructor")


def _owns(user, attempt) -> bool:
    return attempt is not None and getattr(user, "is_authenticated", False) and attempt.user_id == user.id


def register(app) -> None:
    register_role_policy(app, "quiz.review_attempts", *REVIEWER_ROLES)
    register_role_policy(app, "quiz.set_accommodations", "staff")
    # Seeing an attempt: its member, or whoever reviews attempts (classes add their staff).
    register_policy(app, "attempt.view", _owns)
    register_policy(app, "attempt.view", lambda user, _attempt: allowed(user, "quiz.review_attempts"))
    # Answering and submitting: only the member taking it.
    register_policy(app, "attempt.answer", _owns)
