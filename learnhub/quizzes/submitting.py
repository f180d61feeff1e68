"""Submitting an attempt: close it and grade it, once. Functions flush; the caller commits.

Two ways in, one grading (`graded_paper`) and one score formula (scoring.score_of):

- `submit_attempt(attempt)`, for a caller holding an Attempt (the form's submit, finalising an
  expired attempt, the overdue sweep): a guarded UPDATE of the attempt row first (`... WHERE
  state = 'in_progress'`, which takes the row lock on PostgreSQL and the write lock on SQLite;
  rowcount tells who won), then grading through the ORM.
- `submit_locked(record)`, the API's submit, which a college's whole exam sends within seconds
  when its timer ends for everyone at once: the attempt was read as a plain row under its lock
  (`lock_attempt`: FOR NO KEY UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite), so it is graded
  with one read of its questions and their answers, one write of every answer's points (blank
  ones inserted) and one UPDATE closing the attempt with its score; no ORM object.

Either way the answers are read once the attempt's row is locked, and a save locks it too
(quizzes.autosave): an acknowledged save is in the grade, a later one finds the attempt closed.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import lru_cache

from flask import current_app
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm.attributes import set_committed_value

from ..core.database import lock_for_writing
from ..core.signals import attempt_graded, attempt_submitted
from ..extensions import db
from .accepted import accepted_responses
from .grading import grade_answer, question_of
from .models import Answer, Attempt, AttemptQuestion, Quiz
from .paper import NewQuestion
from .prepared import Prepared
from .questions import Question
from .scoring import rescore, score_of
from .timing import accepts_writes_until, is_expired


@dataclass
class SubmitResult:
    attempt: Attempt
    graded_now: bool


def _closing(attempt, now: datetime, finished_by: str, ip: str | None, user_agent: str | None) -> dict:
    """What closing the open attempt now writes: its submission time (never past its deadline)
    and who finished it (the server when its time and grace had run out, without the device)."""
    limit = accepts_writes_until(attempt)
    late = limit is not None and now > limit
    values = {"state": "submitted", "submitted_at": min(now, attempt.deadline) if attempt.deadline else now,
              "finished_by": "server" if late else finished_by}
    if not late:
        values.update(submit_ip=ip, submit_user_agent=(user_agent or "")[:400])
    return values


def graded_paper(questions, responses: dict, quiz_id: int) -> list[tuple]:
    """Each question's automatic grade, as (attempt question, fraction, points); (None, None)
    where a grader must give it. `responses`: attempt_question_id -> response (none: blank).
    Staff's accepted short answers are read (once) only for a paper with a short question."""
    parsed = [(attempt_question, question_of(attempt_question)) for attempt_question in questions]
    accepted = accepted_responses(quiz_id) if any(q.type == "short" for _aq, q in parsed) else None
    return [(attempt_question, *grade_answer(question, attempt_question, responses.get(attempt_question.id),
                                             accepted))
            for attempt_question, question in parsed]


def _send_signals(attempt, **extra) -> None:
    app = current_app._get_current_object()
    attempt_submitted.send(app, attempt=attempt)
    if attempt.state == "submitted":  # nothing left for a grader: its grade is final
        attempt_graded.send(app, attempt=attempt, **extra)


# ---- an Attempt held by the caller ------------------------------------------------------------

def _claim_open(attempt: Attempt, now: datetime, **values) -> bool:
    """The guarded UPDATE: true if the attempt was still open (and is now locked for us)."""
    result = db.session.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.state == "in_progress")
        .values(**values).execution_options(synchronize_session=False))
    return result.rowcount == 1


def submit_attempt(attempt: Attempt, now: datetime, finished_by: str = "member",
                   ip: str | None = None, user_agent: str | None = None) -> SubmitResult:
    """Close and grade the attempt once. Repeating it returns the same result."""
    if attempt.state != "in_progress":
        return SubmitResult(attempt, False)
    values = _closing(attempt, now, finished_by, ip, user_agent)
    if not _claim_open(attempt, now, **values):
        db.session.refresh(attempt)  # someone else submitted it: theirs is the result
        return SubmitResult(attempt, False)
    for key, value in values.items():  # what the claim wrote (nothing else changes an open attempt)
        set_committed_value(attempt, key, value)
    grade_attempt(attempt)
    _send_signals(attempt)
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
    responses = {question_id: answer.response for question_id, answer in answers.items()}
    unanswered = []
    for attempt_question, fraction, points in graded_paper(attempt.questions, responses, attempt.quiz_id):
        answer = answers.get(attempt_question.id)
        if answer is None:  # a row of its own too (graded: 0, or pending for a grader)
            unanswered.append({"attempt_id": attempt.id, "attempt_question_id": attempt_question.id,
                               "response": None, "saved_at": attempt.submitted_at,
                               "fraction": fraction, "points_awarded": points})
            answers[attempt_question.id] = AnswerRecord(attempt_question.id, None, attempt.submitted_at,
                                                        fraction, points)
        else:
            answer.fraction, answer.points_awarded = fraction, points
    if unanswered:  # one statement, however many were left blank
        db.session.execute(insert(Answer), unanswered)
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


# ---- the API's submit: plain rows under the attempt's lock ------------------------------------

@dataclass(eq=False)
class AttemptRecord:
    """An attempt as a plain row, with the Attempt fields the presenters, the policies and the
    signals' receivers read; `questions` (paper.NewQuestion, parsed) in position order once
    read_paper has read them."""

    id: int
    quiz_id: int
    user_id: int
    number: int
    state: str
    seed: int
    settings: dict
    started_at: datetime
    deadline: datetime | None
    grace_seconds: int
    submitted_at: datetime | None
    finished_by: str | None
    score: float | None
    max_score: float | None
    percent: float | None
    passed: bool | None
    times_graded: int
    reset_at: datetime | None
    schedule_key: str | None
    questions: list[NewQuestion] = field(default_factory=list)


RECORD_COLUMNS = tuple(f.name for f in fields(AttemptRecord) if f.name != "questions")


@dataclass(frozen=True)
class QuizHead:
    """The attempt's quiz row as the submit reads it (what attempt_view and progress ask)."""

    id: int
    course_id: int
    slug: str


@dataclass(eq=False, slots=True)
class AnswerRecord:
    """An answer as a plain row (what the presenters read of an Answer)."""

    attempt_question_id: int
    response: object
    saved_at: datetime
    fraction: float | None = None
    points_awarded: float | None = None
    grader_comment: str | None = None


@lru_cache(maxsize=1)
def _locked_statement():
    """The attempt with its quiz's course and slug, its row locked until the commit (PostgreSQL:
    FOR NO KEY UPDATE OF attempts, the lock a save takes; SQLite: see lock_attempt)."""
    columns = [Attempt.__table__.c[name] for name in RECORD_COLUMNS]
    return (select(*columns, Quiz.course_id, Quiz.slug)
            .join_from(Attempt, Quiz, Quiz.id == Attempt.quiz_id)
            .where(Attempt.id == bindparam("attempt_id"))
            .with_for_update(key_share=True, of=Attempt))


def lock_attempt(attempt_id: int) -> tuple[AttemptRecord, QuizHead] | None:
    """The attempt and its quiz as plain rows, read under the attempt's lock (SQLite: the
    transaction opened with BEGIN IMMEDIATE, the database's write lock): what is read after it
    in the transaction no save or submission can change before the commit. None: no attempt."""
    lock_for_writing(db.session)
    row = db.session.connection().execute(_locked_statement(), {"attempt_id": attempt_id}).first()
    if row is None:
        return None
    *values, course_id, slug = row
    record = AttemptRecord(*values)
    return record, QuizHead(record.quiz_id, course_id, slug)


@lru_cache(maxsize=1)
def _paper_statement():
    """The attempt's questions in position order, each with its answer if one was saved."""
    return (select(AttemptQuestion.id, AttemptQuestion.position, AttemptQuestion.points, AttemptQuestion.snapshot,
                   AttemptQuestion.layout, Answer.id, Answer.response, Answer.saved_at, Answer.fraction,
                   Answer.points_awarded, Answer.grader_comment)
            .outerjoin_from(AttemptQuestion, Answer, Answer.attempt_question_id == AttemptQuestion.id)
            .where(AttemptQuestion.attempt_id == bindparam("attempt_id"))
            .order_by(AttemptQuestion.position))


def read_paper(record: AttemptRecord) -> list[AnswerRecord]:
    """Set the record's questions (parsed once) and return its answers, in the order they were
    first saved (one statement)."""
    questions, answers = [], []
    for (question_id, position, points, snapshot, layout,
         answer_id, response, saved_at, fraction, awarded, comment) in db.session.connection().execute(
            _paper_statement(), {"attempt_id": record.id}):
        questions.append(NewQuestion(question_id, position, points, snapshot, layout, Question.from_dict(snapshot)))
        if answer_id is not None:
            answers.append((answer_id, AnswerRecord(question_id, response, saved_at, fraction, awarded, comment)))
    record.questions = questions
    return [answer for _id, answer in sorted(answers, key=lambda pair: pair[0])]


@lru_cache(maxsize=4)
def _points_statement(dialect: str):
    """Every answer's points in one statement: an answer saved gets its fraction and points, a
    question left blank a row of its own (no response, saved at the submission). RETURNING makes
    SQLAlchemy send the rows as one multi-row INSERT (insertmanyvalues) rather than an
    executemany of one statement per row (about half the time on PostgreSQL for ten rows)."""
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(Answer)
    return statement.on_conflict_do_update(
        index_elements=[Answer.attempt_question_id],
        set_={"fraction": statement.excluded.fraction, "points_awarded": statement.excluded.points_awarded}
    ).returning(Answer.id)


CLOSE_COLUMNS = ("state", "submitted_at", "finished_by", "submit_ip", "submit_user_agent",
                 "score", "max_score", "percent", "passed")


@lru_cache(maxsize=1)
def _close_statement() -> Prepared:
    """Close the attempt with its score, graded once more (times_graded: it must stay 1)."""
    values = {name: bindparam(f"new_{name}", type_=Attempt.__table__.c[name].type) for name in CLOSE_COLUMNS}
    return Prepared(update(Attempt).where(Attempt.id == bindparam("attempt_id"), Attempt.state == "in_progress")
                    .values(**values, times_graded=Attempt.times_graded + 1))


def submit_locked(record: AttemptRecord, quiz: QuizHead, now: datetime, finished_by: str = "member",
                  ip: str | None = None, user_agent: str | None = None) -> tuple[list[AnswerRecord], bool]:
    """submit_attempt for an attempt lock_attempt read: close and grade it once; (its answers
    as graded, graded now). A closed attempt's answers are returned as they are (a repeat, or
    another request's submission that this one's lock waited for)."""
    answers = read_paper(record)
    if record.state != "in_progress":
        return answers, False
    values = _closing(record, now, finished_by, ip, user_agent)
    submitted_at = values["submitted_at"]
    by_question = {answer.attempt_question_id: answer for answer in answers}
    responses = {question_id: answer.response for question_id, answer in by_question.items()}
    rows = []
    for attempt_question, fraction, points in graded_paper(record.questions, responses, record.quiz_id):
        answer = by_question.get(attempt_question.id)
        if answer is None:
            answer = by_question[attempt_question.id] = AnswerRecord(attempt_question.id, None, submitted_at)
            answers.append(answer)
        answer.fraction, answer.points_awarded = fraction, points
        rows.append({"attempt_id": record.id, "attempt_question_id": attempt_question.id, "response": None,
                     "saved_at": submitted_at, "fraction": fraction, "points_awarded": points})
    connection = db.session.connection()
    if rows:
        connection.execute(_points_statement(connection.dialect.name), rows)
    score = score_of(record.questions, by_question, record.settings, "submitted")
    values.update(score=score.score, max_score=score.max_score, percent=score.percent, passed=score.passed,
                  state=score.state)
    params = {"attempt_id": record.id, **{f"new_{name}": values.get(name) for name in CLOSE_COLUMNS}}
    if _close_statement().execute(connection, params).rowcount != 1:
        raise RuntimeError(f"attempt {record.id} was closed under its lock")  # never: lock_attempt holds it
    record.state, record.submitted_at, record.finished_by = score.state, submitted_at, values["finished_by"]
    record.score, record.max_score, record.percent, record.passed = (score.score, score.max_score, score.percent,
                                                                     score.passed)
    record.times_graded += 1
    _send_signals(record, quiz=quiz)
    return answers, True
