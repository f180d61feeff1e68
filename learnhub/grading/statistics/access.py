"""Whose attempts a user may see statistics of (the page and the API ask the same function).

- Global reviewers (staff, instructors, admins: `quiz.review_attempts`) see every attempt at
  the quiz; `?class=` narrows to the attempts made under that class's exam of the quiz.
- The staff of a class (head teacher, grader) without a global role see only the attempts
  made under their classes' exams of the quiz: all their classes' together without
  `?class=`, one of them with it (another class: 404, a class they are a member of: 403).
- Anyone else: 403.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...classes.exams.models import ClassExam
from ...classes.exams.services import exam_key
from ...classes.loaders import load_class
from ...classes.models import STAFF_ROLES, Membership, SchoolClass
from ...classes.services import get_class
from ...core.errors import Forbidden, NotFound
from ...core.permissions import allowed
from ...extensions import db
from ...quizzes.models import Quiz


@dataclass
class Scope:
    schedule_keys: list[str] | None          # None: every attempt at the quiz
    school_class: SchoolClass | None         # the class narrowed to
    classes: list[SchoolClass]               # the classes the user may narrow to (with an exam of the quiz)
    everything: bool                         # a global reviewer


def _exams(quiz: Quiz, class_ids: list[int] | None = None) -> list[tuple[ClassExam, SchoolClass]]:
    statement = (select(ClassExam, SchoolClass).join(SchoolClass, SchoolClass.id == ClassExam.class_id)
                 .where(ClassExam.quiz_id == quiz.id).order_by(SchoolClass.name, SchoolClass.id))
    if class_ids is not None:
        statement = statement.where(ClassExam.class_id.in_(class_ids))
    return list(db.session.execute(statement))


def _staff_class_ids(user) -> list[int]:
    return list(db.session.scalars(select(Membership.class_id).where(
        Membership.user_id == user.id, Membership.role.in_(STAFF_ROLES))))


def statistics_scope(user, quiz: Quiz | None, class_id: int | None) -> Scope:
    everything = allowed(user, "quiz.review_attempts")
    if everything:
        exams = _exams(quiz) if quiz is not None else []
    else:
        staff_of = _staff_class_ids(user)
        if not staff_of:
            raise Forbidden(_l("Only staff and the class's staff may see a quiz's statistics."))
        exams = _exams(quiz, staff_of) if quiz is not None else []
    classes = [school_class for _exam, school_class in exams]
    if class_id is None:
        keys = None if everything else [exam_key(exam) for exam, _class in exams]
        return Scope(keys, None, classes, everything)
    if everything:
        school_class = get_class(class_id)
        if school_class is None:
            raise NotFound(_l("No class %(id)s.", id=class_id))
    else:
        school_class = load_class(class_id, "class.staff")  # 404 outside it, 403 as its member
    keys = [exam_key(exam) for exam, owner in exams if owner.id == school_class.id]
    return Scope(keys, school_class, classes, everything)
