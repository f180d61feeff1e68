"""Who may review an attempt as staff and record integrity findings (core.permissions.allowed)."""
from __future__ import annotations

from ...classes.exams.policies import exam_staff_may_view
from ...core.permissions import allowed, has_role, register_policy


def _owns(user, attempt) -> bool:
    return getattr(user, "is_authenticated", False) and attempt is not None and attempt.user_id == user.id


def _reviews(user, attempt) -> bool:
    """`attempt.review`: whoever may see the attempt and is not its member (the class's staff of
    its exam, the global reviewers, admins) gets the staff view: names, keys, points, evidence."""
    return attempt is not None and not _owns(user, attempt) and allowed(user, "attempt.view", attempt)


def _judges(user, attempt) -> bool:
    """`attempt.finding`: staff of the class whose exam the attempt was made under (head teacher,
    grader), and the school's staff and admins; never its own member."""
    if attempt is None or _owns(user, attempt):
        return False
    return has_role(user, "staff") or exam_staff_may_view(user, attempt)


def register(app) -> None:
    register_policy(app, "attempt.review", _reviews)
    register_policy(app, "attempt.finding", _judges)
