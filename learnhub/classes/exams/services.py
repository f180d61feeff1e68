"""Scheduled exams of a class: the head teacher's schedule, per-member overrides and resets.

The quiz engine enforces them through `schedules.exam_schedules` (registered as its schedule provider
in classes.init_app): quizzes never import classes. Functions take explicit arguments and
flush; the caller commits. Every override and reset goes to the audit log.

When a member is in two classes that schedule the same quiz, each class's exam is its own
schedule: an attempt is made under ONE of them (the start names it, or it is the only one
open) and records it as its `schedule_key` (`exam_key`: the exam's id and creation time, so a
cancelled exam's id reused by SQLite never adopts its attempts). Its deadline, attempts
counted, review timing and resets follow that exam only: another class's head teacher can
neither change it nor reset it, and each class's staff see the attempts made under their exams.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ...auth.models import User
from ...auth.services import normalise_username
from ...core.audit import audit
from ...core.database import savepoint
from ...core.errors import DomainError
from ...core.times import check_time
from ...courses.index import CourseEntry, content_index
from ...extensions import db
from ...quizzes.attempts import quiz_row, reset_attempts as reset_quiz_attempts
from ...quizzes.loader import get_quiz_catalog
from ...quizzes.models import Attempt, Quiz
from ..models import Membership, SchoolClass
from ..services import class_courses, ensure_writable
from .models import ClassExam, ExamOverride
from .schedules import applied_override, exam_id_of, key_of

MAX_TIME_LIMIT = 24 * 3600     # a day: anything longer is a typing mistake
MAX_EXTRA_ATTEMPTS = 20
REASON_MAX = 1000
MY_STATUSES = ("upcoming", "open", "submitted", "missed")
RELEASES = ("immediately", "at", "manual")  # when members see results (grading.results)


class ExamError(DomainError):
    status, code = 422, "invalid_exam"


class DuplicateExam(ExamError):
    status, code = 409, "duplicate_exam"


class AttemptOpen(ExamError):
    status, code = 409, "attempt_open"


# ---- checking input --------------------------------------------------------------------------

def _check_window(opens_at: datetime | None, closes_at: datetime | None) -> None:
    for moment in (opens_at, closes_at):
        if moment is not None and (not isinstance(moment, datetime) or moment.tzinfo is None):
            raise ExamError(422, "invalid_time", _l("Times need a date, a time and a time zone."))
        check_time(moment)  # years MIN_YEAR..MAX_YEAR: a 422 invalid_field, nothing stored
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        raise ExamError(422, "invalid_window", _l("The exam must close after it opens."))


def _check_limit(seconds) -> int | None:
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not 0 < seconds <= MAX_TIME_LIMIT:
        raise ExamError(422, "invalid_time_limit",
                        _l("The time limit is a number of seconds from 1 to %(n)d.", n=MAX_TIME_LIMIT))
    return seconds


def _check_reason(reason) -> str:
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ExamError(422, "reason_required", _l("Give a reason: it is kept in the audit log."))
    if len(reason) > REASON_MAX:
        raise ExamError(422, "reason_too_long", _l("The reason is longer than %(n)d characters.", n=REASON_MAX))
    return reason


# ---- the head teacher's schedule -------------------------------------------------------------

@dataclass
class ClassQuiz:
    course: CourseEntry
    slug: str
    title: str
    row: Quiz


def class_quiz(school_class: SchoolClass, course_slug: str, quiz_slug: str) -> ClassQuiz:
    """A quiz of one of the class's courses, or 422 `quiz_not_in_class`."""
    course = next((c for c in class_courses(school_class) if c.slug == course_slug), None)
    quiz = get_quiz_catalog().get(course_slug, quiz_slug) if course is not None else None
    if quiz is None:
        named = (course_slug + "/" + quiz_slug)[:140]
        raise ExamError(422, "quiz_not_in_class", _l("The class's courses have no quiz %(quiz)s.", quiz=named))
    return ClassQuiz(course, quiz.slug, quiz.settings.title, quiz_row(course, quiz))


def class_quiz_choices(school_class: SchoolClass) -> list[tuple[str, str]]:
    """("course/quiz", "Course: Quiz title") for every quiz of the class's courses."""
    catalog = get_quiz_catalog()
    return [(f"{course.slug}/{quiz.slug}", f"{course.title}: {quiz.settings.title}")
            for course in class_courses(school_class) for quiz in catalog.for_course(course.slug)]


def schedule_exam(actor: User, school_class: SchoolClass, course_slug: str, quiz_slug: str,
                  opens_at: datetime, closes_at: datetime, time_limit_seconds: int | None = None,
                  requires_courses_complete: bool = False) -> ClassExam:
    ensure_writable(school_class)
    if opens_at is None or closes_at is None:
        raise ExamError(422, "invalid_window", _l("An exam needs an open and a close time."))
    _check_window(opens_at, closes_at)
    time_limit_seconds = _check_limit(time_limit_seconds)
    quiz = class_quiz(school_class, course_slug, quiz_slug)
    exam = ClassExam(class_id=school_class.id, quiz_id=quiz.row.id, opens_at=opens_at,
                     closes_at=closes_at, time_limit_seconds=time_limit_seconds, created_by_id=actor.id,
                     requires_courses_complete=bool(requires_courses_complete))
    with savepoint(db.session, DuplicateExam(_l("This quiz is already scheduled for the class."))):
        db.session.add(exam)
        db.session.flush()
    audit(actor, "exam.schedule", exam, class_id=school_class.id, quiz=f"{course_slug}/{quiz_slug}",
          opens_at=opens_at, closes_at=closes_at, time_limit_seconds=time_limit_seconds,
          requires_courses_complete=exam.requires_courses_complete)
    db.session.flush()
    return exam


def update_exam(actor: User, school_class: SchoolClass, exam: ClassExam, opens_at: datetime,
                closes_at: datetime, time_limit_seconds: int | None,
                requires_courses_complete: bool | None = None) -> ClassExam:
    """Change the window or limit; `requires_courses_complete` None keeps it as it is."""
    ensure_writable(school_class)
    if opens_at is None or closes_at is None:
        raise ExamError(422, "invalid_window", _l("An exam needs an open and a close time."))
    _check_window(opens_at, closes_at)
    time_limit_seconds = _check_limit(time_limit_seconds)
    old = {"opens_at": exam.opens_at, "closes_at": exam.closes_at,
           "time_limit_seconds": exam.time_limit_seconds,
           "requires_courses_complete": exam.requires_courses_complete}
    exam.opens_at, exam.closes_at, exam.time_limit_seconds = opens_at, closes_at, time_limit_seconds
    if requires_courses_complete is not None:
        exam.requires_courses_complete = bool(requires_courses_complete)
    audit(actor, "exam.update", exam, old={k: v.isoformat() if isinstance(v, datetime) else v
                                           for k, v in old.items()},
          opens_at=opens_at, closes_at=closes_at, time_limit_seconds=time_limit_seconds,
          requires_courses_complete=exam.requires_courses_complete)
    db.session.flush()
    return exam


def check_release(release, release_at) -> tuple[str, datetime | None]:
    """(release, release_at) as stored, or 422: `at` needs a time with a zone; the others none."""
    if release not in RELEASES:
        raise ExamError(422, "invalid_release", _l("Release results immediately, at a set time or by hand."))
    if release != "at":
        return release, None
    if not isinstance(release_at, datetime) or release_at.tzinfo is None:
        raise ExamError(422, "release_at_required", _l("Give the time the results are released."))
    check_time(release_at)
    return release, release_at


def set_release(actor: User, school_class: SchoolClass, exam: ClassExam, release: str,
                release_at: datetime | None) -> ClassExam:
    """When members see their results (the release itself is grading.results' release_results)."""
    ensure_writable(school_class)
    release, release_at = check_release(release, release_at)
    if (release, release_at) != (exam.release, exam.release_at):
        old = {"release": exam.release, "release_at": exam.release_at.isoformat() if exam.release_at else None}
        exam.release, exam.release_at = release, release_at
        audit(actor, "exam.release_setting", exam, old=old, release=release, release_at=release_at)
        db.session.flush()
    return exam


def cancel_exam(actor: User, school_class: SchoolClass, exam: ClassExam) -> None:
    """Remove the schedule (and its overrides). Attempts already made stay as they are."""
    ensure_writable(school_class)
    audit(actor, "exam.cancel", exam, class_id=school_class.id, quiz_id=exam.quiz_id)
    db.session.delete(exam)
    db.session.flush()


def get_exam(school_class: SchoolClass, exam_id: int) -> ClassExam | None:
    exam = db.session.get(ClassExam, exam_id)
    return exam if exam is not None and exam.class_id == school_class.id else None


# ---- per-member overrides and resets ---------------------------------------------------------

def class_member(school_class: SchoolClass, username: str) -> User:
    """A member (role member) of the class, or 404: overrides are for members only."""
    user = db.session.scalar(select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.class_id == school_class.id, Membership.role == "member",
        User.username == normalise_username(username)[:64]))
    if user is None:
        raise ExamError(404, "not_a_member", _l("%(name)s is not a member of this class.", name=str(username)[:64]))
    return user


def set_override(actor: User, school_class: SchoolClass, exam: ClassExam, member: User, *,
                 opens_at: datetime | None = None, closes_at: datetime | None = None,
                 time_limit_seconds: int | None = None, extra_attempts: int = 0,
                 reason: str = "") -> ExamOverride:
    """Set (or replace) the member's exception to the exam: a later window, another time
    limit, extra attempts. Fields not given fall back to the exam's."""
    ensure_writable(school_class)
    reason = _check_reason(reason)
    _check_window(opens_at, closes_at)
    _check_window(opens_at or exam.opens_at, closes_at or exam.closes_at)
    time_limit_seconds = _check_limit(time_limit_seconds)
    if (isinstance(extra_attempts, bool) or not isinstance(extra_attempts, int)
            or not 0 <= extra_attempts <= MAX_EXTRA_ATTEMPTS):
        raise ExamError(422, "invalid_extra_attempts",
                        _l("Extra attempts are a whole number from 0 to %(n)d.", n=MAX_EXTRA_ATTEMPTS))
    if opens_at is None and closes_at is None and time_limit_seconds is None and not extra_attempts:
        raise ExamError(422, "empty_override",
                        _l("An override changes the window, the time limit or the attempts."))
    values = {"opens_at": opens_at, "closes_at": closes_at, "time_limit_seconds": time_limit_seconds,
              "extra_attempts": extra_attempts, "reason": reason}
    override = find_override(exam, member.id)
    if override is None:
        override = ExamOverride(exam_id=exam.id, user_id=member.id, **values)
        # Two head teachers saving at once: the second one's save is a clear 409, not a 500.
        with savepoint(db.session, ExamError(409, "conflict", _l("Someone else just saved an override for this member: reload."))):
            db.session.add(override)
            db.session.flush()
    else:
        for key, value in values.items():
            setattr(override, key, value)
    audit(actor, "exam.override", override, exam_id=exam.id, class_id=school_class.id,
          username=member.username, **values)
    db.session.flush()
    return override


def remove_override(actor: User, school_class: SchoolClass, exam: ClassExam, member: User, reason: str) -> bool:
    ensure_writable(school_class)
    reason = _check_reason(reason)
    override = find_override(exam, member.id)
    if override is None:
        return False
    audit(actor, "exam.override_removed", override, exam_id=exam.id, username=member.username, reason=reason)
    db.session.delete(override)
    db.session.flush()
    return True


def member_names(school_class: SchoolClass) -> list[tuple[str, str]]:
    """(username, display name) of the class's members, for choosing one in a form."""
    return list(db.session.execute(
        select(User.username, User.display_name).join(Membership, Membership.user_id == User.id)
        .where(Membership.class_id == school_class.id, Membership.role == "member")
        .order_by(User.username)).all())


def find_override(exam: ClassExam, user_id: int) -> ExamOverride | None:
    return db.session.scalar(select(ExamOverride).where(ExamOverride.exam_id == exam.id,
                                                        ExamOverride.user_id == user_id))


def exam_overrides(exam: ClassExam) -> list[tuple[ExamOverride, str]]:
    return list(db.session.execute(
        select(ExamOverride, User.username).join(User, User.id == ExamOverride.user_id)
        .where(ExamOverride.exam_id == exam.id).order_by(User.username)).all())


def exam_key(exam: ClassExam) -> str:
    """The schedule_key of attempts made under the exam: its id and creation time (to the
    microsecond), so a later exam that reuses a cancelled one's id never adopts its attempts."""
    return key_of(exam.id, exam.created_at)


def exam_for_key(key: str | None) -> ClassExam | None:
    """The exam an attempt's schedule_key names, if it still exists (None: not a class exam's
    key, or the exam was cancelled)."""
    exam_id = exam_id_of(key)
    exam = db.session.get(ClassExam, exam_id) if exam_id is not None else None
    return exam if exam is not None and exam_key(exam) == key else None


def exam_attempts(exam: ClassExam) -> list[tuple[Attempt, str]]:
    """(attempt, username) of every attempt made under the exam, newest first: what the
    class's staff see (attempts under another class's exam of the same quiz are not theirs)."""
    return list(db.session.execute(
        select(Attempt, User.username).join(User, User.id == Attempt.user_id)
        .where(Attempt.quiz_id == exam.quiz_id, Attempt.schedule_key == exam_key(exam))
        .order_by(Attempt.started_at.desc(), Attempt.id.desc())).all())


def reset_attempts(actor: User, school_class: SchoolClass, exam: ClassExam, member: User,
                   reason: str, now: datetime) -> list[int]:
    """Reset the member's finished attempts made under this exam (their schedule_key is the
    exam's): they stay readable but no longer count toward attempts used or the grade.
    Attempts at the same quiz made under another class's exam, or without a schedule
    (practice before the exam was scheduled), are not this class's to reset and stay as they
    are. An open attempt under this exam is refused (409 attempt_open) rather than closed for
    the member: let it finish or time out first. Returns the ids reset (none when there was
    nothing to reset: nothing is recorded then)."""
    ensure_writable(school_class)
    reason = _check_reason(reason)
    rows = db.session.execute(select(Attempt.id, Attempt.state).where(
        Attempt.quiz_id == exam.quiz_id, Attempt.user_id == member.id, Attempt.reset_at.is_(None),
        Attempt.schedule_key == exam_key(exam))).all()
    if any(state == "in_progress" for _id, state in rows):
        raise AttemptOpen(_l("%(name)s has an attempt in progress: reset it after it is submitted.",
                             name=member.username))
    ids = sorted(attempt_id for attempt_id, _state in rows)
    if not ids:
        return []
    reset_quiz_attempts(ids, now)  # the quizzes feature writes its own rows
    audit(actor, "exam.reset", exam, class_id=school_class.id, username=member.username,
          attempts=ids, reason=reason)
    db.session.flush()
    return ids


# ---- what a member gets ------------------------------------------------------------------------

@dataclass
class MemberExam:
    """One scheduled exam as one member sees it (their override applied)."""

    exam: ClassExam
    class_id: int
    class_name: str
    course: CourseEntry | None
    quiz_slug: str
    title: str
    opens_at: datetime
    closes_at: datetime
    time_limit_seconds: int | None
    extra_attempts: int
    override_id: int | None
    review_closes_at: datetime | None = None
    my_status: str = "upcoming"

    def status_at(self, now: datetime, finished: bool, open_attempt: bool = False) -> str:
        if finished and not open_attempt:
            return "submitted"
        if now < self.opens_at:
            return "upcoming"
        if now < self.closes_at or open_attempt:
            return "open"
        return "missed"


@lru_cache(maxsize=1)
def _member_exams_statement():
    """Built once (callers add their filters to it)."""
    anyone = aliased(ExamOverride)  # every member's override, not just the caller's
    latest_override = (select(func.max(anyone.closes_at)).where(anyone.exam_id == ClassExam.id)
                       .correlate(ClassExam).scalar_subquery())
    return (select(ClassExam, ExamOverride, SchoolClass.name, Quiz, latest_override.label("latest"))
            .join(SchoolClass, SchoolClass.id == ClassExam.class_id)
            .join(Quiz, Quiz.id == ClassExam.quiz_id)
            .join(Membership, (Membership.class_id == ClassExam.class_id) & (Membership.role == "member"))
            .outerjoin(ExamOverride, (ExamOverride.exam_id == ClassExam.id)
                       & (ExamOverride.user_id == Membership.user_id)))


def _member_exam(exam, override, class_name, quiz, latest) -> MemberExam:
    index = content_index()
    opens_at, closes_at, limit, extra, override_id = applied_override(exam, override)
    review = max(filter(None, (exam.closes_at, latest)))
    return MemberExam(exam=exam, class_id=exam.class_id, class_name=class_name,
                      course=index.course_by_id(quiz.course_id), quiz_slug=quiz.slug, title=quiz.title,
                      opens_at=opens_at, closes_at=closes_at, time_limit_seconds=limit,
                      extra_attempts=extra, override_id=override_id, review_closes_at=review)


def latest_close(quiz_id: int, key: str | None = None) -> datetime | None:
    """The quiz engine's latest-close provider: the latest close, as it is now, of the exam
    `key` names and of its members' overrides (None when it is not a class exam's key or the
    exam was cancelled: the close recorded at start applies then). Without a key (an attempt
    under the file's rules): the latest close of every class's exam of the quiz, so nobody
    outside a class sees the key while a class can still sit it."""
    if key is not None:
        exam = exam_for_key(key)
        if exam is None or exam.quiz_id != quiz_id:
            return None
        exams = select(ClassExam.id).where(ClassExam.id == exam.id)
    else:
        exams = select(ClassExam.id).where(ClassExam.quiz_id == quiz_id)
    latest_exam = db.session.scalar(select(func.max(ClassExam.closes_at)).where(ClassExam.id.in_(exams)))
    latest_override = db.session.scalar(select(func.max(ExamOverride.closes_at))
                                        .where(ExamOverride.exam_id.in_(exams)))
    return max(filter(None, (latest_exam, latest_override)), default=None)


def _attempt_facts(user_id: int, items: list[MemberExam]) -> dict[str, tuple[bool, bool]]:
    """{exam key: (has a finished counted attempt, has an open attempt)} in one query: only
    the attempts made under each exam count for it."""
    keys = {exam_key(item.exam) for item in items}
    if not keys:
        return {}
    facts: dict[str, tuple[bool, bool]] = {}
    rows = db.session.execute(select(Attempt.schedule_key, Attempt.state).where(
        Attempt.user_id == user_id, Attempt.schedule_key.in_(keys), Attempt.reset_at.is_(None))).all()
    for key, state in rows:
        finished, open_now = facts.get(key, (False, False))
        facts[key] = (finished or state != "in_progress", open_now or state == "in_progress")
    return facts


def member_exams(user, now: datetime, school_class: SchoolClass | None = None) -> list[MemberExam]:
    """The member's scheduled exams (of one class, or across their classes), soonest first,
    with `my_status`. Two queries whatever the number of exams and classes."""
    statement = _member_exams_statement().where(Membership.user_id == user.id)
    if school_class is not None:
        statement = statement.where(ClassExam.class_id == school_class.id)
    items = [_member_exam(*row) for row in db.session.execute(statement).all()]
    facts = _attempt_facts(user.id, items)
    for item in items:
        finished, open_attempt = facts.get(exam_key(item.exam), (False, False))
        item.my_status = item.status_at(now, finished, open_attempt)
    return sorted(items, key=lambda item: (item.opens_at, item.exam.id))


def class_exams(school_class: SchoolClass) -> list[MemberExam]:
    """Every exam of the class as scheduled (no override): what staff see. One query."""
    rows = db.session.execute(
        select(ClassExam, Quiz).join(Quiz, Quiz.id == ClassExam.quiz_id)
        .where(ClassExam.class_id == school_class.id).order_by(ClassExam.opens_at, ClassExam.id)).all()
    return [_member_exam(exam, None, school_class.name, quiz, None) for exam, quiz in rows]

