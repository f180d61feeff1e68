"""Class exams' part in who may see an attempt (asked through core.permissions.allowed)."""
from __future__ import annotations

from ...core.permissions import allowed, register_policy
from ...extensions import db
from ..models import SchoolClass
from .services import exam_for_key


def exam_staff_may_view(user, attempt) -> bool:
    """`attempt.view`: the staff of the class whose exam the attempt was made under (and only
    that class's) see it, whatever their global role (quizzes' own policies let the member
    and the global reviewers see it)."""
    exam = exam_for_key(getattr(attempt, "schedule_key", None))
    return exam is not None and allowed(user, "class.staff", db.session.get(SchoolClass, exam.class_id))


def register(app) -> None:
    register_policy(app, "attempt.view", exam_staff_may_view)
