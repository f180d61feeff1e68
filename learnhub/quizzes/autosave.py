"""Saving answers: what a save must know of an attempt, kept per process; the one guarded
statement that writes an answer; the services (`save_to_sheet`, the API's autosave;
`save_answer`, for callers holding the attempt: the form's submit, tests).

What a save checks a response against (each question's type and the attempt's option ids), the
attempt's member and its grace never change once the attempt has started, so each process keeps
them per attempt (`answer_sheet`: one query on a miss, for every question of the attempt)
instead of loading the question on every save. Nothing in it decides whether a save counts:
the write does. `write_answer` is one statement, an upsert of the answer from a SELECT of the
attempt that yields a row only while the attempt is the member's, open, within its deadline plus
grace and holds that question; it writes nothing otherwise and the caller finds out why.

Concurrency: on PostgreSQL that SELECT locks the attempt row as an UPDATE of it would (FOR NO
KEY UPDATE), so a submission's lock of the attempt (quizzes.submitting: the API's locking read,
the guarded UPDATE elsewhere) waits for a save and a save for a submission: an acknowledged save
is in the graded attempt, a save after the submission finds it closed (the row re-read), and a
save and a submission in one transaction (the form's submit) never deadlock with another's, as a
shared lock upgraded later could. SQLite runs the statement under the database's write lock,
which a submission holds until it commits.
"""
from __future__ import annotations

import json
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, bindparam, cast, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from .errors import AttemptClosed, BadResponse
from .models import Answer, Attempt, AttemptQuestion
from .prepared import Prepared
from .timing import accepts_writes_until, is_expired
from .types import REGISTRY, InvalidResponse

SHEETS_KEY = "learnhub_answer_sheets"
# Attempts kept per process: an exam's crowd of 3,000 fits. An attempt of 10 single-choice
# questions takes about 3.5 KB (its option ids as stored JSON): 14 MB when full.
SHEETS_KEPT = 4096


@dataclass(frozen=True)
class AnswerSheet:
    """What saving an answer to one attempt needs, none of which changes after its start."""

    attempt_id: int
    user_id: int
    deadline: datetime | None  # as the start set it: a hint (the write checks the row's own)
    grace_seconds: int
    questions: dict[int, tuple[str, str]]  # attempt question id -> (type, layout as stored JSON text)

    def cutoff(self, now: datetime) -> datetime:
        """Saves count while the deadline is at or after this (deadline + grace >= now)."""
        return now - timedelta(seconds=self.grace_seconds)

    def time_ran_out(self, now: datetime) -> bool:
        """Past the deadline and grace: the caller finalises the attempt before saving, in a step
        of its own (attempts.close_if_overdue, which checks the row again)."""
        limit = accepts_writes_until(self)
        return limit is not None and now > limit


class _Sheets:
    """A small LRU of AnswerSheets, safe across threads and greenlets."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[int, AnswerSheet] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, attempt_id: int) -> AnswerSheet | None:
        with self._lock:
            sheet = self._items.get(attempt_id)
            if sheet is not None:
                self._items.move_to_end(attempt_id)
            return sheet

    def put(self, sheet: AnswerSheet) -> None:
        with self._lock:
            self._items[sheet.attempt_id] = sheet
            self._items.move_to_end(sheet.attempt_id)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def discard(self, attempt_id: int) -> None:
        with self._lock:
            self._items.pop(attempt_id, None)


def _sheets() -> _Sheets:
    extensions = current_app.extensions
    sheets = extensions.get(SHEETS_KEY)
    if sheets is None:
        sheets = extensions.setdefault(SHEETS_KEY, _Sheets(SHEETS_KEPT))
    return sheets


@lru_cache(maxsize=1)
def _sheet_statement():
    """Every question of the attempt with its type and layout text (built once)."""
    return (select(Attempt.user_id, Attempt.deadline, Attempt.grace_seconds, AttemptQuestion.id,
                   AttemptQuestion.snapshot["type"].as_string(), cast(AttemptQuestion.layout, Text))
            .join_from(Attempt, AttemptQuestion, AttemptQuestion.attempt_id == Attempt.id)
            .where(Attempt.id == bindparam("attempt_id")))


def answer_sheet(attempt_id: int) -> AnswerSheet | None:
    """The attempt's sheet from this process's cache, or read (one query); None: no such attempt
    (or one without questions, which takes no answers)."""
    sheets = _sheets()
    sheet = sheets.get(attempt_id)
    if sheet is not None:
        return sheet
    rows = db.session.connection().execute(_sheet_statement(), {"attempt_id": attempt_id}).all()
    if not rows:
        return None
    user_id, deadline, grace = rows[0][:3]
    sheet = AnswerSheet(attempt_id, user_id, deadline, grace,
                        {question_id: (sys.intern(kind), layout) for *_attempt, question_id, kind, layout in rows})
    sheets.put(sheet)
    return sheet


def forget_sheet(attempt_id: int) -> None:
    """Drop a sheet the database contradicted (the next save reads it again)."""
    _sheets().discard(attempt_id)


def _write_statement(dialect: str):
    """The guarded upsert for `dialect` (PostgreSQL's and SQLite's upserts are spelled apart)."""
    source = (select(Attempt.id, AttemptQuestion.id,
                     bindparam("response", type_=Answer.response.type),
                     bindparam("now", type_=Answer.saved_at.type))
              .join_from(Attempt, AttemptQuestion, AttemptQuestion.attempt_id == Attempt.id)
              .where(Attempt.id == bindparam("attempt_id"), AttemptQuestion.id == bindparam("question_id"),
                     Attempt.user_id == bindparam("user_id"), Attempt.state == "in_progress",
                     or_(Attempt.deadline.is_(None),
                         Attempt.deadline >= bindparam("cutoff", type_=Attempt.deadline.type)))
              .with_for_update(key_share=True, of=Attempt))  # PostgreSQL: FOR NO KEY UPDATE OF attempts
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(Answer).from_select(["attempt_id", "attempt_question_id", "response", "saved_at"], source)
    return statement.on_conflict_do_update(
        index_elements=[Answer.attempt_question_id],
        set_={"response": statement.excluded.response, "saved_at": statement.excluded.saved_at})


@lru_cache(maxsize=4)
def _write(dialect: str) -> Prepared:
    return Prepared(_write_statement(dialect))


def write_answer(attempt_id: int, question_id: int, user_id: int, response, now: datetime,
                 cutoff: datetime) -> bool:
    """Store the (already checked, canonical) response; False when the attempt is not
    `user_id`'s, not open, past `cutoff` (its deadline plus grace before now) or lacks the question:
    nothing was written then."""
    connection = db.session.connection()
    result = _write(connection.dialect.name).execute(connection, {
        "attempt_id": attempt_id, "question_id": question_id, "user_id": user_id,
        "response": response, "now": now, "cutoff": cutoff})
    return result.rowcount == 1


# ---- the services -----------------------------------------------------------------------------

CLOSED = _l("This attempt is closed: it was submitted or its time ran out.")


def _canonical(kind: str, layout: dict, response):
    """The response in canonical form for a question of type `kind`, or 422 `invalid_response`."""
    try:
        return REGISTRY[kind].validate(layout, response)
    except InvalidResponse as error:
        raise BadResponse(str(error)) from None


def save_answer(attempt, attempt_question, response, now: datetime) -> datetime:
    """Store one answer (the last write per question wins) for a caller holding the attempt and
    the question (ORM objects, or rows with their fields). Returns when it was saved.

    An expired attempt is refused, not finalised here: the caller finalises it first, in a step
    it commits on its own.
    """
    if attempt.state != "in_progress" or is_expired(attempt, now):  # finalise_if_expired first
        raise AttemptClosed(CLOSED)
    canonical = _canonical(attempt_question.snapshot["type"], attempt_question.layout, response)
    cutoff = now - timedelta(seconds=attempt.grace_seconds)
    if not write_answer(attempt.id, attempt_question.id, attempt.user_id, canonical, now, cutoff):
        raise AttemptClosed(CLOSED)
    return now


@lru_cache(maxsize=1)
def _state_statement():
    return select(Attempt.state, Attempt.deadline, Attempt.grace_seconds).where(Attempt.id == bindparam("attempt_id"))


def save_to_sheet(user, sheet: AnswerSheet, question_id: int, response, now: datetime) -> datetime:
    """The autosave: store the member's answer to a question of the attempt `sheet` describes
    (quizzes.loaders.load_answer_sheet found it and checked who may answer). One statement when
    it is saved. 422 `invalid_response` for a shape the question does not take; 409
    `attempt_closed` when the attempt was submitted or its time ran out (the caller finalises an
    expired one first, in a step of its own: AnswerSheet.time_ran_out)."""
    kind, layout = sheet.questions[question_id]
    try:
        canonical = _canonical(kind, json.loads(layout), response)
    except BadResponse:
        _ensure_open(sheet.attempt_id, now)  # a closed attempt says so before the answer's shape
        raise
    if not write_answer(sheet.attempt_id, question_id, user.id, canonical, now, sheet.cutoff(now)):
        forget_sheet(sheet.attempt_id)  # closed, or gone: the next save reads the attempt again
        raise AttemptClosed(CLOSED)
    return now


def _ensure_open(attempt_id: int, now: datetime) -> None:
    row = db.session.connection().execute(_state_statement(), {"attempt_id": attempt_id}).first()
    if row is None or row.state != "in_progress" or is_expired(row, now):
        raise AttemptClosed(CLOSED)
