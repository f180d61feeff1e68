"""Who may grade an answer (`attempt.grade`, asked by quizzes.manual_grading) and see a class's
grading queue (`class.staff`), and who may see the names of whom they grade (`grading.names`)."""
from __future__ import annotations

from ...classes.exams.services import exam_for_key
from ...classes.models import SchoolClass
from ...core.permissions import allowed, register_policy
from ...extensions import db


def may_grade(user, attempt) -> bool:
    """The staff (head teacher, grader) of the class whose exam the attempt was made under,
    and admins; an attempt outside any class exam (practice): whoever reviews attempts."""
    if attempt is None or not getattr(user, "is_authenticated", False):
        return False
    exam = exam_for_key(attempt.schedule_key)
    if exam is None:
        return allowed(user, "quiz.review_attempts")
    return allowed(user, "class.staff", db.session.get(SchoolClass, exam.class_id))


def register(app) -> None:
    register_policy(app, "attempt.grade", may_grade)
    # Blind grading: graders see "Answer 3 of 12"; the head teacher (and admins) may reveal names.
    register_policy(app, "grading.names", lambda user, school_class: allowed(user, "class.manage", school_class))
