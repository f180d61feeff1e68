"""Who may accept responses and regrade a quiz (asked through core.permissions.allowed).

Global staff and instructors (and admins): an accepted response and a regrade change every
attempt at the quiz, in every class that sat it, so a class's head teacher or grader, whose
say ends at their class, may not (they ask staff, or grade answers by hand in the queue)."""
from __future__ import annotations

from ...core.permissions import register_role_policy

REGRADE_ROLES = ("staff", "instructor")


def register(app) -> None:
    register_role_policy(app, "quiz.regrade", *REGRADE_ROLES)
