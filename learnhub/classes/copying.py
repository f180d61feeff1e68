"""Copying a class for the next term. Functions take explicit arguments and flush; the
caller commits."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ..auth.models import User
from ..core.audit import audit
from ..core.errors import DomainError
from ..courses.index import content_index
from ..extensions import db
from ..quizzes.models import Quiz
from . import services
from .attendance.models import ClassSession
from .attendance.sessions import create_session
from .exams.models import ClassExam
from .exams.services import schedule_exam
from .models import STAFF_ROLES, ClassUnitRule, Membership, SchoolClass


@dataclass
class Copied:
    school_class: SchoolClass
    exams: int = 0
    sessions: int = 0
    skipped_exams: list[str] = field(default_factory=list)  # could not be scheduled in the new term


def copy_class(actor: User, source: SchoolClass, name: str, code: str, starts_on: date,
               ends_on: date) -> Copied:
    """The next term's class: the same description, courses, required units and staff;
    scheduled exams and sessions moved by the same number of days as the start date (new
    starts_on - old starts_on). No members, records, attendance, attempts or announcements.
    The copier is its head teacher (create_class), whatever their role in the source."""
    courses = [course.slug for course in services.class_courses(source)]
    target = services.create_class(actor, name, code, starts_on, ends_on, source.description, courses)
    result = Copied(target)
    shift = starts_on - source.starts_on
    for rule in db.session.scalars(select(ClassUnitRule).where(ClassUnitRule.class_id == source.id)):
        db.session.add(ClassUnitRule(class_id=target.id, unit_id=rule.unit_id, required=rule.required))
    for user, role in db.session.execute(
            select(User, Membership.role).join(Membership, Membership.user_id == User.id)
            .where(Membership.class_id == source.id, Membership.role.in_(STAFF_ROLES),
                   User.id != actor.id).order_by(Membership.id)).all():
        services.set_staff_role(actor, target, user, role)
    _copy_exams(actor, source, target, shift, result)
    for session in db.session.scalars(select(ClassSession).where(ClassSession.class_id == source.id)
                                      .order_by(ClassSession.starts_at, ClassSession.id)):
        create_session(actor, target, session.title, session.kind, session.starts_at + shift,
                       session.ends_at + shift, session.place, session.meeting_url,
                       session.late_after_minutes)
        result.sessions += 1
    audit(actor, "class.copy", target, source_id=source.id, days=shift.days, exams=result.exams,
          sessions=result.sessions, skipped_exams=result.skipped_exams)
    db.session.flush()
    return result


def _copy_exams(actor: User, source: SchoolClass, target: SchoolClass, shift, result: Copied) -> None:
    """Through exams.schedule_exam (its checks and audit). An exam it refuses (the quiz is no
    longer in the class's courses, the moved dates are out of range) is left out and named."""
    index = content_index()
    rows = db.session.execute(select(ClassExam, Quiz).join(Quiz, Quiz.id == ClassExam.quiz_id)
                              .where(ClassExam.class_id == source.id).order_by(ClassExam.opens_at)).all()
    for exam, quiz in rows:
        course = index.course_by_id(quiz.course_id)
        if course is None or quiz.removed_at is not None:
            result.skipped_exams.append(quiz.title)
            continue
        try:
            schedule_exam(actor, target, course.slug, quiz.slug, exam.opens_at + shift, exam.closes_at + shift,
                          exam.time_limit_seconds, exam.requires_courses_complete)
        except DomainError:  # refused before anything was written (quiz gone, dates out of range)
            result.skipped_exams.append(quiz.title)
            continue
        result.exams += 1
