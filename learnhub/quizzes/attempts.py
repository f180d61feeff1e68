"""Attempt rules: start, save, submit, expire. Functions flush; the caller commits.

Concurrency: a submission locks the attempt row before it reads the answers (quizzes.submitting),
so only one submission ever grades. A save is one guarded upsert whose SELECT of the attempt
waits for that lock (quizzes.autosave): a save and a submission of the same attempt are
serialised. A start inserts only where the member has no open attempt (the unique index decides
between concurrent starts; the loser resumes the winner's).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select, update

from ..core.database import Conflict, add_or_get
from ..courses.index import CourseEntry
from ..extensions import db
from .autosave import save_answer, save_to_sheet
from .errors import (
    AttemptClosed,
    BadResponse,
    ChooseExam,
    NoAttemptsLeft,
    NotOpenYet,
    OtherAttemptOpen,
    QuizClosed,
    QuizError,
    UnknownExam,
    other_attempt_open,
)
from .loader import QuizFile
from .models import Attempt, IntegrityEvent, Quiz
from .paper import NewAttempt, insert_attempt
from .schedule import QuizRules, Schedule, named_schedule, pick_schedule, quiz_rules, schedule_for, schedules_for
from .submitting import (
    SubmitResult,
    close_if_overdue,
    finalise_if_expired,
    grade_attempt,
    overdue_attempt_ids,
    submit_attempt,
    submit_locked,
)
from .timing import accepts_writes_until, compute_deadline, is_expired

# What the pages, the API and other features reach through this module (the rules' one entry
# point), though it lives beside it: saving in quizzes.autosave, submitting and grading in
# quizzes.submitting, refusals in quizzes.errors, the clock in quizzes.timing.
__all__ = ["AttemptClosed", "BadResponse", "ChooseExam", "OtherAttemptOpen", "QuizError", "SubmitResult",
           "UnknownExam", "accepts_writes_until", "close_if_overdue", "compute_deadline", "finalise_if_expired",
           "grade_attempt", "is_expired", "overdue_attempt_ids", "save_answer", "save_to_sheet", "submit_attempt",
           "submit_locked"]


# ---- the quiz's database row --------------------------------------------------------------

def quiz_row(course: CourseEntry, quiz: QuizFile) -> Quiz:
    """The Quiz row for a file (`content sync` creates them; a file added since is indexed
    here, and two workers may race to do it: the unique key decides, the loser reads)."""
    statement = select(Quiz).where(Quiz.course_id == course.id, Quiz.slug == quiz.slug)
    row = db.session.scalar(statement)
    if row is None:
        row, _created = add_or_get(
            db.session, Quiz(course_id=course.id, slug=quiz.slug, title=quiz.settings.title,
                             kind=quiz.settings.kind),
            lambda: db.session.scalar(statement))
    elif (row.title, row.kind, row.removed_at) != (quiz.settings.title, quiz.settings.kind, None):
        row.title, row.kind, row.removed_at = quiz.settings.title, quiz.settings.kind, None
    return row


@lru_cache(maxsize=1)
def _quiz_row_statement():
    return select(Quiz).where(Quiz.course_id == bindparam("course_id"), Quiz.slug == bindparam("slug"))


def find_quiz_row(course: CourseEntry, slug: str) -> Quiz | None:
    return db.session.scalar(_quiz_row_statement(), {"course_id": course.id, "slug": slug})


@dataclass(frozen=True)
class QuizRef:
    """A quiz's row as schedule providers read it (its id), without loading the row."""

    id: int


@lru_cache(maxsize=1)
def _quiz_id_statement():
    return select(Quiz.id).where(Quiz.course_id == bindparam("course_id"), Quiz.slug == bindparam("slug"))


def find_quiz_ref(course: CourseEntry, slug: str) -> QuizRef | None:
    """find_quiz_row for a caller that only asks the quiz's schedules (a quiz gate on every start)."""
    row = db.session.connection().execute(_quiz_id_statement(), {"course_id": course.id, "slug": slug}).first()
    return QuizRef(row.id) if row is not None else None


# ---- starting ---------------------------------------------------------------------------------

def user_attempts(user_id: int, quiz: Quiz) -> list[Attempt]:
    """All the member's attempts, reset ones included (the page lists them, marked)."""
    return list(db.session.scalars(select(Attempt).where(
        Attempt.quiz_id == quiz.id, Attempt.user_id == user_id).order_by(Attempt.number)))


def counted_attempts(attempts: list[Attempt], rules: QuizRules | None = None) -> list[Attempt]:
    """The attempts that count toward attempts used and the grade: staff reset the others.
    With `rules`, only those made under the same schedule (another class's exam, or the
    file's own rules, has its own allowance)."""
    return [a for a in attempts if a.reset_at is None
            and (rules is None or a.schedule_key == rules.key)]


def rules_for(user, quiz: QuizFile, row: Quiz | None, now: datetime, exam: int | None = None) -> QuizRules:
    """The window, limit and attempts this member gets now: the schedule `exam` names if it is
    theirs, else the one shown by default (a class's schedule applied)."""
    return quiz_rules(quiz, schedule_for(user, row, now, exam))


def schedule_to_start(user, row: Quiz | QuizRef, now: datetime, exam: int | None,
                      candidates: list[Schedule] | None = None) -> Schedule | None:
    """The schedule a new attempt is made under: the one named (422 if it is not the member's),
    else the only one open, else (none open) the one shown, whose window then refuses it.
    Two open and none named: 409 `choose_exam` with the choices. `candidates`: the member's
    schedules at the quiz if read already (start_schedules)."""
    if candidates is None:
        candidates = schedules_for(user, row, now)
    if exam is not None:
        chosen = named_schedule(candidates, exam)
        if chosen is None:
            raise UnknownExam(_l("'exam' is not one of your scheduled exams of this quiz."))
        return chosen
    open_now = [c for c in candidates if c.is_open(now)]
    if len(open_now) > 1:
        raise ChooseExam(_l("This quiz is open in more than one of your classes: choose the exam you are sitting."),
                         sorted(open_now, key=lambda c: c.source_id or 0))
    return open_now[0] if open_now else pick_schedule(candidates, now)


def _in_progress(user_id: int, quiz: Quiz | QuizRef) -> Attempt | None:
    return db.session.scalar(select(Attempt).where(
        Attempt.quiz_id == quiz.id, Attempt.user_id == user_id, Attempt.state == "in_progress"))


def open_attempt(user_id: int, quiz: Quiz, now: datetime) -> Attempt | None:
    """The member's open attempt, after finalising it if its time ran out."""
    attempt = _in_progress(user_id, quiz)
    if attempt is not None and finalise_if_expired(attempt, now):
        return None
    return attempt


@dataclass
class Standing:
    """One member at one quiz, read in one statement: the quiz's row (id, and whether it still
    matches the file) and every attempt of theirs at it (rows: id, number, state,
    schedule_key, reset_at, deadline, grace_seconds)."""

    quiz_id: int
    quiz_current: bool
    attempts: list
    finalised: bool = False  # its open attempt was finalised (expired) on reading it: commit that

    @property
    def open(self):
        return next((a for a in self.attempts if a.state == "in_progress"), None)


@lru_cache(maxsize=1)
def _standing_statement():
    attempts = (Attempt.quiz_id == Quiz.id) & (Attempt.user_id == bindparam("user_id"))
    return (
        select(Quiz.id, Quiz.title, Quiz.kind, Quiz.removed_at, Attempt.id.label("attempt_id"),
               Attempt.number, Attempt.state, Attempt.schedule_key, Attempt.reset_at,
               Attempt.deadline, Attempt.grace_seconds)
        .outerjoin(Attempt, attempts)
        .where(Quiz.course_id == bindparam("course_id"), Quiz.slug == bindparam("slug")))


def member_standing(user_id: int, course: CourseEntry, quiz: QuizFile) -> Standing | None:
    """The member's standing at the quiz (None: the quiz has no row yet)."""
    rows = db.session.connection().execute(
        _standing_statement(), {"user_id": user_id, "course_id": course.id, "slug": quiz.slug}).all()
    if not rows:
        return None
    first = rows[0]
    current = (first.title, first.kind, first.removed_at) == (quiz.settings.title, quiz.settings.kind, None)
    attempts = [SimpleNamespace(id=r.attempt_id, number=r.number, state=r.state, schedule_key=r.schedule_key,
                                reset_at=r.reset_at, deadline=r.deadline, grace_seconds=r.grace_seconds)
                for r in rows if r.attempt_id is not None]
    return Standing(first.id, current, attempts)


def start_schedules(user, standing: Standing | None, now: datetime) -> list[Schedule]:
    """The member's schedules at the quiz (one statement; none without a quiz row), read once per
    start: the quiz gates (ensure_quiz_unlocked) and begin_attempt both take them."""
    return schedules_for(user, QuizRef(standing.quiz_id), now) if standing is not None else []


def finalise_expired_attempt(user_id: int, course: CourseEntry, quiz: QuizFile, now: datetime,
                             standing: Standing | None = None) -> Standing | None:
    """Before a start, a step of its own: the member's open attempt at the quiz, finalised if its
    time ran out (the caller commits it when `.finalised`, so a start refused next does not undo
    it). Returns the standing read (or `standing`, member_standing's if read already), for
    begin_attempt to go on from."""
    if standing is None:
        standing = member_standing(user_id, course, quiz)
    attempt = standing.open if standing is not None else None
    if attempt is not None and finalise_if_expired(attempt, now):
        attempt.state = "submitted"  # what this standing now knows of it
        standing.finalised = True
    return standing


def _settings_snapshot(quiz: QuizFile, rules: QuizRules) -> dict:
    settings = quiz.settings
    review_closes = rules.review_closes_at
    snapshot = {
        "title": settings.title, "kind": settings.kind, "review": settings.review,
        "pass_percent": settings.pass_percent, "layout": settings.layout,
        "focus_warning": settings.focus_warning, "grading": settings.grading,
        "time_limit": rules.time_limit,
        "closes_at": review_closes.isoformat() if review_closes else None,
    }
    if rules.schedule is not None:  # which schedule this attempt ran under
        snapshot["schedule"] = {"source": rules.schedule.source, "id": rules.schedule.source_id,
                                "override": rules.schedule.override_id}
    return snapshot


def check_window(quiz: QuizFile, now: datetime, rules: QuizRules | None = None) -> None:
    rules = rules or quiz_rules(quiz, None)
    if rules.opens_at and now < rules.opens_at:
        raise NotOpenYet(_l("This quiz is not open yet."))
    if rules.closes_at and now >= rules.closes_at:
        raise QuizClosed(_l("This quiz has closed."))


def begin_attempt(user, course: CourseEntry, quiz: QuizFile, now: datetime, ip: str | None = None,
                  user_agent: str | None = None, exam: int | None = None,
                  standing: Standing | None = None,
                  schedules: list[Schedule] | None = None) -> tuple[NewAttempt | Attempt, bool]:
    """(attempt, created): a new attempt as plain data (NewAttempt, no ORM load), or the open one
    (it has `id` and `schedule_key`). An open attempt is returned as it is: never a second one
    (naming another exam than the open attempt's is 409 `attempt_open`). `exam` names the
    schedule (see schedule_to_start); the attempt follows it, and only it, for its whole life.
    `standing`: what finalise_expired_attempt read, `schedules` start_schedules' for it (saves
    reading them again)."""
    if standing is None:
        standing = finalise_expired_attempt(user.id, course, quiz, now)
    if standing is None or not standing.quiz_current:
        quiz_row(course, quiz)  # a file added or changed since `content sync`: index it
        db.session.flush()
        standing = finalise_expired_attempt(user.id, course, quiz, now)
    existing = standing.open
    if existing is not None and exam is None:
        return existing, False
    row = QuizRef(standing.quiz_id)
    schedule = schedule_to_start(user, row, now, exam, schedules)
    if existing is not None:
        if existing.schedule_key != (schedule.key if schedule else None):
            raise other_attempt_open()
        return existing, False
    rules = quiz_rules(quiz, schedule)
    check_window(quiz, now, rules)
    # Only this schedule's attempts count (each class's exam has its own allowance); reset
    # attempts keep their numbers (numbers stay unique per member and quiz) but do not count.
    used = sum(1 for a in standing.attempts if a.reset_at is None and a.schedule_key == rules.key)
    if rules.attempts_allowed is not None and used >= rules.attempts_allowed:
        # The attempt that used the last one may be a concurrent start's, still open: resume it.
        return _resume_or_refuse(_in_progress(user.id, row), rules,
                                 NoAttemptsLeft(_l("You have used all your attempts at this quiz.")))
    values = {
        "quiz_id": standing.quiz_id, "user_id": user.id,
        "number": max((a.number for a in standing.attempts), default=0) + 1,
        "schedule_key": rules.key, "settings": _settings_snapshot(quiz, rules), "started_at": now,
        "deadline": compute_deadline(now, rules.time_limit, user.time_factor, rules.closes_at),
        "grace_seconds": quiz.settings.grace, "start_ip": ip, "start_user_agent": (user_agent or "")[:400]}
    attempt = insert_attempt(quiz, values, secrets.randbits(31))
    if attempt is not None:
        return attempt, True
    # A concurrent start won (one open attempt per member and quiz): then use theirs.
    return _resume_or_refuse(_in_progress(user.id, row), rules,
                             Conflict("a concurrent start took this attempt's number"))


def start_attempt(user, course: CourseEntry, quiz: QuizFile, now: datetime,
                  ip: str | None = None, user_agent: str | None = None,
                  exam: int | None = None) -> tuple[Attempt, bool]:
    """begin_attempt for a caller that works on the attempt next (pages, tests): the Attempt."""
    attempt, created = begin_attempt(user, course, quiz, now, ip, user_agent, exam)
    return (attempt if isinstance(attempt, Attempt) else db.session.get(Attempt, attempt.id)), created


def _resume_or_refuse(existing: Attempt | None, rules: QuizRules,
                      refusal: Exception) -> tuple[Attempt, bool]:
    """A concurrent start's open attempt, resumed if it is under the same schedule (never hand
    back an attempt under another exam); without one, `refusal`."""
    if existing is None:
        raise refusal
    if existing.schedule_key != rules.key:
        raise other_attempt_open()
    return existing, False


# ---- integrity signals ------------------------------------------------------------------------

def record_event(attempt: Attempt, kind: str, attempt_question_id: int | None, now: datetime) -> int:
    """Store an integrity signal; returns how many focus losses the attempt has so far."""
    db.session.add(IntegrityEvent(attempt_id=attempt.id, kind=kind, occurred_at=now,
                                  attempt_question_id=attempt_question_id))
    db.session.flush()
    return focus_losses(attempt.id)


def focus_losses(attempt_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(IntegrityEvent).where(
        IntegrityEvent.attempt_id == attempt_id, IntegrityEvent.kind.in_(("focus_lost", "hidden")))) or 0


# ---- resets (classes reset the attempts made under their exams through this) ------------------

def reset_attempts(attempt_ids: list[int], now: datetime) -> None:
    """Mark finished attempts reset: they stay readable but no longer count toward attempts
    used or the grade. An open attempt is never reset; one already reset keeps its time."""
    if not attempt_ids:
        return
    db.session.execute(update(Attempt).where(Attempt.id.in_(attempt_ids), Attempt.reset_at.is_(None),
                                             Attempt.state != "in_progress")
                       .values(reset_at=now).execution_options(synchronize_session=False))
