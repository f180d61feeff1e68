"""Finding quizzes and attempts for a user: visibility and who may see or change what."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..auth.models import User
from ..auth.services import get_user_by_username
from ..core.errors import DomainError, Forbidden
from ..core.pagination import Key, Page, paginate
from ..core.permissions import allowed
from ..core.types import utcnow
from ..courses import services as course_services
from ..courses.catalog import get_catalog
from ..courses.index import CourseEntry, content_index, course_entry_any
from ..courses.models import Course
from ..extensions import db
from .autosave import AnswerSheet, answer_sheet
from .loader import QuizFile, get_quiz_catalog, quiz_paths
from .models import Answer, Attempt, AttemptQuestion, IntegrityEvent, Quiz
from .schedule import Schedule
from .submitting import lock_attempt


@dataclass
class QuizContext:
    course: CourseEntry
    quiz: QuizFile


@dataclass
class AttemptContext:
    attempt: Attempt           # or a submitting.AttemptRecord (find_attempt_to_submit)
    quiz_row: Quiz             # or a submitting.QuizHead (id, course_id, slug)
    course: CourseEntry
    quiz: QuizFile | None      # None when the file was removed since; the snapshot still works
    is_owner: bool             # allowed to answer and submit it (its member)


def find_quiz(user, course_slug: str, quiz_slug: str) -> QuizContext | None:
    course = course_services.get_course(course_slug, user)
    if course is None:
        return None
    quiz = get_quiz_catalog().get(course_slug, quiz_slug)
    return QuizContext(course, quiz) if quiz else None


# ---- gates: a higher feature may lock a quiz (progress: prerequisites) ----------------------

QUIZ_GATES_KEY = "learnhub_quiz_gates"


class QuizLocked(DomainError):
    """The quiz's prerequisites are not met yet; the message says what is still needed."""

    status, code = 403, "locked"


def register_quiz_gate(app, gate) -> None:
    """gate(user, course, quiz, exam, schedules) -> a lock (`.message`, `.html`) or None when the
    quiz is open; `exam` is the class exam the member named (None: the one they would get);
    `schedules` the member's schedules at the quiz when the caller has read them already
    (schedule.schedules_for's), None when the gate must ask for them itself."""
    app.extensions.setdefault(QUIZ_GATES_KEY, []).append(gate)


def quiz_lock(user, course: CourseEntry, quiz: QuizFile, exam: int | None = None,
              schedules: list[Schedule] | None = None):
    for gate in current_app.extensions.get(QUIZ_GATES_KEY, []):
        lock = gate(user, course, quiz, exam, schedules)
        if lock:
            return lock
    return None


def ensure_quiz_unlocked(user, course: CourseEntry, quiz: QuizFile, exam: int | None = None,
                         schedules: list[Schedule] | None = None) -> None:
    """Before starting an attempt (page and API): 403 `locked` while prerequisites are missing.
    `schedules`: the member's schedules at the quiz, if read already (a start reads them once)."""
    lock = quiz_lock(user, course, quiz, exam, schedules)
    if lock:
        raise QuizLocked(lock.message)


def course_quizzes(course: CourseEntry) -> list[QuizFile]:
    return get_quiz_catalog().for_course(course.slug)


def course_quizzes_panel(course: CourseEntry, **_context) -> str:
    """The course page's list of quizzes (a panel: see core.panels)."""
    quizzes = course_quizzes(course)
    return render_template("quizzes/_course_panel.html", course=course, quizzes=quizzes) if quizzes else ""


def sync_quiz_rows(session: Session, tree) -> None:
    """`content sync` step: one Quiz row per valid quiz file; a removed file's row is marked."""
    catalog = get_quiz_catalog()
    now = utcnow()
    courses = {c.slug: c for c in session.scalars(select(Course))}
    rows = {(q.course_id, q.slug): q for q in session.scalars(select(Quiz))}
    seen = set()
    for slug in tree.courses:
        course = courses.get(slug)
        if course is None:
            continue
        for path in quiz_paths(get_catalog().root / slug):
            seen.add((course.id, path.stem))
            quiz = catalog.get(slug, path.stem)
            if quiz is None:
                continue  # a file with errors keeps its row as it was; `content check` reports it
            row = rows.get((course.id, quiz.slug))
            requires = list(quiz.settings.requires) or None
            if row is None:
                session.add(Quiz(course_id=course.id, slug=quiz.slug, title=quiz.settings.title,
                                 kind=quiz.settings.kind, requires=requires))
            elif ((row.title, row.kind, row.removed_at, row.requires)
                  != (quiz.settings.title, quiz.settings.kind, None, requires)):
                row.title, row.kind, row.removed_at = quiz.settings.title, quiz.settings.kind, None
                row.requires = requires
    for key, row in rows.items():
        if key not in seen and row.removed_at is None:
            row.removed_at = now
    session.flush()


def can_review(user) -> bool:
    return allowed(user, "quiz.review_attempts")


def find_attempt(user, attempt_id: int) -> AttemptContext | None:
    """The attempt if `user` may see it (its member, or reviewers).

    An attempt at a quiz whose course folder or file was removed stays readable: the
    course comes from its database row (marked removed) and the attempt's snapshot has
    everything the result needs.
    """
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or not allowed(user, "attempt.view", attempt):
        return None
    return _context(user, attempt, db.session.get(Quiz, attempt.quiz_id))


def find_attempt_to_submit(user, attempt_id: int) -> AttemptContext | None:
    """find_attempt for the API's submit: the attempt (submitting.AttemptRecord) and its quiz
    (QuizHead) as plain rows, read in one statement under the attempt's lock, held until the
    commit (submitting.lock_attempt; submit_locked grades it)."""
    locked = lock_attempt(attempt_id)
    if locked is None or not allowed(user, "attempt.view", locked[0]):
        return None
    return _context(user, *locked)


def _context(user, attempt, quiz_row) -> AttemptContext:
    course = content_index().course_by_id(quiz_row.course_id) or course_entry_any(db.session, quiz_row.course_id)
    quiz = None if course.removed else get_quiz_catalog().get(course.slug, quiz_row.slug)
    return AttemptContext(attempt, quiz_row, course, quiz, allowed(user, "attempt.answer", attempt))


def attempt_question(attempt: Attempt, question_id: int) -> AttemptQuestion | None:
    return next((q for q in attempt.questions if q.id == question_id), None)


def attempt_answers(attempt: Attempt) -> list[Answer]:
    return list(db.session.scalars(select(Answer).where(Answer.attempt_id == attempt.id)))


@dataclass
class AttemptRow:
    attempt: Attempt
    course: CourseEntry | None
    quiz: Quiz
    username: str = ""


# Newest first, for the keyset pages of attempts (core.pagination): the id breaks ties.
NEWEST_FIRST = (Key(Attempt.started_at, desc=True), Key(Attempt.id, desc=True))


def my_attempts_page(user, limit: int, cursor: str | None) -> Page:
    """One keyset page of the member's attempts, newest first (one query, whatever their number)."""
    index = content_index()
    page = paginate(select(Attempt, Quiz).join(Quiz, Quiz.id == Attempt.quiz_id).where(Attempt.user_id == user.id),
                    NEWEST_FIRST, limit=limit, cursor=cursor)
    page.items = [AttemptRow(attempt, index.course_by_id(quiz.course_id)
                             or course_entry_any(db.session, quiz.course_id), quiz)
                  for attempt, quiz in page.items]
    return page


def quiz_attempts_page(quiz: Quiz, limit: int, cursor: str | None) -> Page:
    """One keyset page of everyone's attempts at the quiz, newest first, with the number of all."""
    page = paginate(select(Attempt, User.username).join(User, User.id == Attempt.user_id)
                    .where(Attempt.quiz_id == quiz.id), NEWEST_FIRST, limit=limit, cursor=cursor)
    course = content_index().course_by_id(quiz.course_id)
    page.items = [AttemptRow(attempt, course, quiz, username) for attempt, username in page.items]
    return page


def count_attempts(quiz: Quiz) -> int:
    return db.session.scalar(select(func.count()).select_from(Attempt).where(Attempt.quiz_id == quiz.id))


@dataclass
class Evidence:
    events: list
    focus_losses: int
    pastes: int
    attempt: Attempt


def attempt_evidence(attempt: Attempt) -> Evidence:
    events = list(db.session.scalars(select(IntegrityEvent).where(
        IntegrityEvent.attempt_id == attempt.id).order_by(IntegrityEvent.occurred_at)))
    return Evidence(events=events, attempt=attempt,
                    focus_losses=sum(1 for e in events if e.kind in ("focus_lost", "hidden")),
                    pastes=sum(1 for e in events if e.kind == "paste"))


class AccommodationError(DomainError):
    """The accommodation could not be set; the message is safe to show."""

    status, code = 422, "invalid_accommodation"


def set_time_factor(username: str, factor) -> User:
    user = get_user_by_username(username)
    if user is None:
        raise AccommodationError(_l("No user named %(name)s.", name=username))
    factor = float(factor)
    if not 1 <= factor <= 5:  # also refuses NaN
        raise AccommodationError(_l("The factor must be between 1 and 5."))
    user.time_factor = factor
    return user


def members_with_extra_time() -> list[User]:
    return list(db.session.scalars(select(User).where(User.time_factor > 1).order_by(User.username)))


class NotYours(Forbidden):
    """A reviewer may see this attempt but only its member may change it."""

    def __init__(self, message=None):
        super().__init__(message or _l("Only the member taking this attempt may change it."))


def find_answer_sheet(user, attempt_id: int, question_id: int) -> AnswerSheet | None:
    """What the autosave checks an answer against (quizzes.autosave: this process's cache, or
    one query): None when there is no such attempt or question in it, or it is not the user's to
    see; NotYours for a reviewer, who may see it but not answer."""
    sheet = answer_sheet(attempt_id)
    if sheet is None or question_id not in sheet.questions:
        return None
    if not allowed(user, "attempt.answer", sheet):
        if can_review(user):
            raise NotYours()
        return None
    return sheet
