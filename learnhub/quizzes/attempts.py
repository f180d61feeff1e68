"""Attempt rules: start, save, submit, expire. Functions flush; the caller commits.

Concurrency: each write that must not interleave with a submission starts with a guarded
UPDATE of the attempt row (`... WHERE state = 'in_progress'`). That statement takes the
row lock on PostgreSQL and the write lock on SQLite, so a save and a submission of the
same attempt are serialised, and only one submission ever grades (rowcount tells who won).
"""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..core.database import add_or_get
from ..core.errors import DomainError
from ..core.signals import attempt_graded, attempt_submitted
from ..courses.index import CourseEntry
from ..extensions import db
from .accepted import accepted_responses
from .grading import grade_answer, question_of
from .loader import QuizFile
from .models import Answer, Attempt, AttemptQuestion, IntegrityEvent, Quiz
from .questions import Question
from .schedule import QuizRules, Schedule, named_schedule, pick_schedule, quiz_rules, schedule_for, schedules_for
from .scoring import rescore
from .types import InvalidResponse, question_type


class QuizError(DomainError):
    """A quiz rule refused the request; `code` and `status` are what the API reports."""

    status = 409
    code = "quiz_error"


class QuizClosed(QuizError):
    status, code = 403, "quiz_closed"


class NotOpenYet(QuizError):
    status, code = 403, "not_open_yet"


class NoAttemptsLeft(QuizError):
    status, code = 409, "no_attempts_left"


class AttemptClosed(QuizError):
    status, code = 409, "attempt_closed"


class BadResponse(QuizError):
    status, code = 422, "invalid_response"


class UnknownExam(QuizError):
    """The start named an exam that is not one of the member's schedules of this quiz."""

    status, code = 422, "invalid_field"
    field = "exam"


class ChooseExam(QuizError):
    """Two or more of the member's exams of the quiz are open and the start named none."""

    status, code = 409, "choose_exam"

    def __init__(self, message, choices: list[Schedule]):
        super().__init__(message)
        self.choices = choices


class OtherAttemptOpen(QuizError):
    """The member's open attempt at the quiz was made under another exam than the one named."""

    status, code = 409, "attempt_open"


def other_attempt_open() -> OtherAttemptOpen:
    return OtherAttemptOpen(_l("You have an attempt in progress under another exam of this quiz: finish it first."))


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


def find_quiz_row(course: CourseEntry, slug: str) -> Quiz | None:
    return db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.slug == slug))


# ---- timing ---------------------------------------------------------------------------------

def compute_deadline(started_at: datetime, time_limit: int | None, time_factor: float,
                     closes_at: datetime | None) -> datetime | None:
    """The earlier of start + limit × the member's factor, and the close time.

    With a class's schedule, `time_limit` and `closes_at` are the schedule's (the member's
    override's where it sets them); the member's accommodation factor applies on top.
    """
    candidates = []
    if time_limit:
        candidates.append(started_at + timedelta(seconds=time_limit * time_factor))
    if closes_at:
        candidates.append(closes_at)
    return min(candidates) if candidates else None


def accepts_writes_until(attempt: Attempt) -> datetime | None:
    if attempt.deadline is None:
        return None
    try:
        return attempt.deadline + timedelta(seconds=attempt.grace_seconds)
    except OverflowError:  # a deadline at the end of time (stored before times were range-checked)
        return datetime.max.replace(tzinfo=attempt.deadline.tzinfo)


def is_expired(attempt: Attempt, now: datetime) -> bool:
    limit = accepts_writes_until(attempt)
    return attempt.state == "in_progress" and limit is not None and now > limit


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


def schedule_to_start(user, row: Quiz, now: datetime, exam: int | None) -> Schedule | None:
    """The schedule a new attempt is made under: the one named (422 if it is not the member's),
    else the only one open, else (none open) the one shown, whose window then refuses it.
    Two open and none named: 409 `choose_exam` with the choices."""
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


def _in_progress(user_id: int, quiz: Quiz) -> Attempt | None:
    return db.session.scalar(select(Attempt).where(
        Attempt.quiz_id == quiz.id, Attempt.user_id == user_id, Attempt.state == "in_progress"))


def open_attempt(user_id: int, quiz: Quiz, now: datetime) -> Attempt | None:
    """The member's open attempt, after finalising it if its time ran out."""
    attempt = _in_progress(user_id, quiz)
    if attempt is not None and finalise_if_expired(attempt, now):
        return None
    return attempt


def finalise_expired_attempt(user_id: int, course: CourseEntry, quiz_slug: str, now: datetime) -> bool:
    """Before a start, a step of its own: the member's open attempt at the quiz, finalised if
    its time ran out. The caller commits it, so a start refused next does not undo it."""
    row = find_quiz_row(course, quiz_slug)
    attempt = _in_progress(user_id, row) if row is not None else None
    return attempt is not None and finalise_if_expired(attempt, now)


def draw_questions(quiz: QuizFile, rng: random.Random) -> list[Question]:
    """The paper: drawn per `draw` (in total or per category), shuffled if asked."""
    pool = list(quiz.questions)
    draw = quiz.settings.draw
    if isinstance(draw, int):
        gradable = [q for q in pool if q.type != "description"]
        chosen = set(map(id, rng.sample(gradable, draw)))
        pool = [q for q in pool if q.type == "description" or id(q) in chosen]
    elif isinstance(draw, dict):
        chosen = set()
        for category, count in draw.items():
            members = [q for q in pool if q.category == category and q.type != "description"]
            chosen |= set(map(id, rng.sample(members, count)))
        pool = [q for q in pool
                if q.type == "description" or id(q) in chosen or q.category not in draw]
    if quiz.settings.shuffle_questions:
        rng.shuffle(pool)
    return pool


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


def start_attempt(user, course: CourseEntry, quiz: QuizFile, now: datetime,
                  ip: str | None = None, user_agent: str | None = None,
                  exam: int | None = None) -> tuple[Attempt, bool]:
    """(attempt, created). An open attempt is returned as it is: never a second one (naming
    another exam than the open attempt's is 409 `attempt_open`). `exam` names the schedule
    (see schedule_to_start); the attempt follows it, and only it, for its whole life."""
    row = quiz_row(course, quiz)
    existing = open_attempt(user.id, row, now)
    if existing is not None and exam is None:
        return existing, False
    schedule = schedule_to_start(user, row, now, exam)
    if existing is not None:
        if existing.schedule_key != (schedule.key if schedule else None):
            raise other_attempt_open()
        return existing, False
    rules = quiz_rules(quiz, schedule)
    check_window(quiz, now, rules)
    # Only this schedule's attempts count (each class's exam has its own allowance); reset
    # attempts keep their numbers (numbers stay unique per member and quiz) but do not count.
    counted = Attempt.reset_at.is_(None) & (
        Attempt.schedule_key.is_(None) if rules.key is None else Attempt.schedule_key == rules.key)
    used, last_number = db.session.execute(
        select(func.count(Attempt.id).filter(counted), func.max(Attempt.number))
        .where(Attempt.quiz_id == row.id, Attempt.user_id == user.id)).one()
    open_one = select(Attempt).where(Attempt.quiz_id == row.id, Attempt.user_id == user.id,
                                     Attempt.state == "in_progress")
    if rules.attempts_allowed is not None and used >= rules.attempts_allowed:
        # The attempt that used the last one may be a concurrent start's, still open: resume it.
        return _resume_or_refuse(db.session.scalar(open_one), rules,
                                 NoAttemptsLeft(_l("You have used all your attempts at this quiz.")))
    seed = secrets.randbits(31)
    rng = random.Random(seed)
    attempt = Attempt(
        quiz_id=row.id, user_id=user.id, number=(last_number or 0) + 1, state="in_progress", seed=seed,
        schedule_key=rules.key,
        quiz_checksum=quiz.checksum, settings=_settings_snapshot(quiz, rules), started_at=now,
        deadline=compute_deadline(now, rules.time_limit, user.time_factor, rules.closes_at),
        grace_seconds=quiz.settings.grace, start_ip=ip, start_user_agent=(user_agent or "")[:400],
    )
    for position, question in enumerate(draw_questions(quiz, rng), start=1):
        layout = question_type(question).layout(question, rng, quiz.settings.shuffle_options)
        attempt.questions.append(AttemptQuestion(position=position, points=question.points,
                                                 snapshot=question.to_dict(), layout=layout))
    # A concurrent start may win (one open attempt per member and quiz): then use theirs.
    attempt, created = add_or_get(db.session, attempt, lambda: db.session.scalar(open_one))
    return (attempt, True) if created else _resume_or_refuse(attempt, rules)


def _resume_or_refuse(existing: Attempt | None, rules: QuizRules,
                      refusal: QuizError | None = None) -> tuple[Attempt, bool]:
    """A concurrent start's open attempt, resumed if it is under the same schedule (never hand
    back an attempt under another exam); without one, `refusal`."""
    if existing is None:
        raise refusal
    if existing.schedule_key != rules.key:
        raise other_attempt_open()
    return existing, False


# ---- saving ---------------------------------------------------------------------------------

def _claim_open(attempt: Attempt, now: datetime, **values) -> bool:
    """The guarded UPDATE: true if the attempt was still open (and is now locked for us)."""
    result = db.session.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.state == "in_progress")
        .values(**values).execution_options(synchronize_session=False))
    return result.rowcount == 1


@lru_cache(maxsize=4)
def _save_statements(dialect: str) -> tuple:
    """The autosave's statements, built once per dialect (saves are the hot path).

    PostgreSQL claims the attempt and upserts the answer in one statement (a data-modifying
    CTE: one round trip); SQLite, which has no such CTE, runs the same two steps in turn.
    """
    claim = (update(Attempt)
             .where(Attempt.id == bindparam("attempt_id"), Attempt.state == "in_progress")
             .values(last_saved_at=bindparam("now")))
    if dialect == "postgresql":
        claimed = claim.returning(Attempt.id).cte("claimed")
        statement = pg_insert(Answer).from_select(
            ["attempt_id", "attempt_question_id", "response", "saved_at"],
            select(claimed.c.id, bindparam("question_id"),
                   bindparam("response", type_=Answer.response.type),
                   bindparam("now", type_=Answer.saved_at.type)))
        upsert = statement.on_conflict_do_update(
            index_elements=[Answer.attempt_question_id],
            set_={"response": statement.excluded.response, "saved_at": statement.excluded.saved_at},
        ).returning(Answer.id)
        return (upsert,)
    statement = sqlite_insert(Answer).values(attempt_id=bindparam("attempt_id"),
                                             attempt_question_id=bindparam("question_id"),
                                             response=bindparam("response"), saved_at=bindparam("now"))
    upsert = statement.on_conflict_do_update(
        index_elements=[Answer.attempt_question_id],
        set_={"response": statement.excluded.response, "saved_at": statement.excluded.saved_at})
    return claim, upsert


def save_answer(attempt, attempt_question, response, now: datetime) -> datetime:
    """Store one answer (the last write per question wins). Returns when it was saved.

    `attempt` and `attempt_question` may be ORM objects or plain rows with the same fields
    (id, state, deadline, grace_seconds; id, snapshot, layout). An expired attempt is refused,
    not finalised here: the caller finalises it first, in a step it commits on its own.
    """
    if attempt.state != "in_progress" or is_expired(attempt, now):  # finalise_if_expired first
        raise AttemptClosed(_l("This attempt is closed: it was submitted or its time ran out."))
    question = Question.from_dict(attempt_question.snapshot)
    try:
        canonical = question_type(question).validate(question, attempt_question.layout, response)
    except InvalidResponse as error:
        raise BadResponse(str(error)) from None
    connection = db.session.connection()
    params = {"attempt_id": attempt.id, "question_id": attempt_question.id, "now": now,
              "response": canonical}
    statements = _save_statements(db.engine.dialect.name)
    if len(statements) == 1:  # PostgreSQL: claimed and saved at once, or nothing happened
        saved = connection.execute(statements[0], params).first() is not None
    else:
        claim, upsert = statements
        saved = connection.execute(claim, params).rowcount == 1
        if saved:
            connection.execute(upsert, params)
    if not saved:
        raise AttemptClosed(_l("This attempt is closed: it was submitted or its time ran out."))
    return now


def record_event(attempt: Attempt, kind: str, attempt_question_id: int | None, now: datetime) -> int:
    """Store an integrity signal; returns how many focus losses the attempt has so far."""
    db.session.add(IntegrityEvent(attempt_id=attempt.id, kind=kind, occurred_at=now,
                                  attempt_question_id=attempt_question_id))
    db.session.flush()
    return focus_losses(attempt.id)


def focus_losses(attempt_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(IntegrityEvent).where(
        IntegrityEvent.attempt_id == attempt_id, IntegrityEvent.kind.in_(("focus_lost", "hidden")))) or 0


# ---- submitting ------------------------------------------------------------------------------

@dataclass
class SubmitResult:
    attempt: Attempt
    graded_now: bool


def submit_attempt(attempt: Attempt, now: datetime, finished_by: str = "member",
                   ip: str | None = None, user_agent: str | None = None) -> SubmitResult:
    """Close and grade the attempt once. Repeating it returns the same result."""
    if attempt.state != "in_progress":
        return SubmitResult(attempt, False)
    limit = accepts_writes_until(attempt)
    late = limit is not None and now > limit
    submitted_at = min(now, attempt.deadline) if attempt.deadline else now
    values = {"state": "submitted", "submitted_at": submitted_at,
              "finished_by": "server" if late else finished_by}
    if not late:
        values.update(submit_ip=ip, submit_user_agent=(user_agent or "")[:400])
    if not _claim_open(attempt, now, **values):
        db.session.refresh(attempt)  # someone else submitted it: theirs is the result
        return SubmitResult(attempt, False)
    db.session.refresh(attempt)
    grade_attempt(attempt)
    app = current_app._get_current_object()
    attempt_submitted.send(app, attempt=attempt)
    if attempt.state == "submitted":  # nothing left for a grader: its grade is final
        attempt_graded.send(app, attempt=attempt)
    return SubmitResult(attempt, True)


def finalise_if_expired(attempt, now: datetime) -> bool:
    """Close an attempt whose time (and grace) ran out, with what was saved before.

    A step of its own before an operation that may be refused (the caller commits it first,
    so the refusal does not undo it). `attempt` may be a plain row (the autosave's)."""
    if not is_expired(attempt, now):
        return False
    if not isinstance(attempt, Attempt):
        attempt = db.session.get(Attempt, attempt.id)
    submit_attempt(attempt, now, finished_by="server")
    return True


def grade_attempt(attempt: Attempt) -> None:
    """Auto-grade every objective answer; manual ones leave the attempt needing grading."""
    answers = {a.attempt_question_id: a for a in db.session.scalars(
        select(Answer).where(Answer.attempt_id == attempt.id))}
    accepted = accepted_responses(attempt.quiz_id)  # staff's accepted short answers, once per attempt
    for attempt_question in attempt.questions:
        question = question_of(attempt_question)
        answer = answers.get(attempt_question.id)
        fraction, points = grade_answer(question, attempt_question, answer.response if answer else None, accepted)
        if answer is None:
            answer = answers[attempt_question.id] = Answer(
                attempt_id=attempt.id, attempt_question_id=attempt_question.id,
                response=None, saved_at=attempt.submitted_at)
            db.session.add(answer)
        answer.fraction, answer.points_awarded = fraction, points
    attempt.times_graded += 1
    rescore(attempt, answers)
    # A pass completes `completion: quiz` units: progress does it on `attempt_graded`.


def overdue_attempt_ids(now: datetime) -> list[int]:
    """Attempts whose deadline has passed and are still open (grace checked per attempt)."""
    return list(db.session.scalars(select(Attempt.id).where(
        Attempt.state == "in_progress", Attempt.deadline.is_not(None), Attempt.deadline < now)
        .order_by(Attempt.id)))


def close_if_overdue(attempt_id: int, now: datetime) -> bool:
    """Finalise one overdue attempt; False if it is not due yet or another host did it."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or not is_expired(attempt, now):
        return False
    return submit_attempt(attempt, now, finished_by="server").graded_now



# ---- resets (classes reset the attempts made under their exams through this) ------------------

def reset_attempts(attempt_ids: list[int], now: datetime) -> None:
    """Mark finished attempts reset: they stay readable but no longer count toward attempts
    used or the grade. An open attempt is never reset; one already reset keeps its time."""
    if not attempt_ids:
        return
    db.session.execute(update(Attempt).where(Attempt.id.in_(attempt_ids), Attempt.reset_at.is_(None),
                                             Attempt.state != "in_progress")
                       .values(reset_at=now).execution_options(synchronize_session=False))
