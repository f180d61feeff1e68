"""A new attempt's paper: the questions drawn for it, their layouts and snapshots, and its insert.

A crowd starts the same exam at once, so the start does no per-question work it can share: each
question's snapshot is made once per quiz file (per process), and the attempt and all its
questions go in with one statement on PostgreSQL (the attempt's INSERT as a WITH clause of the
questions' INSERT), two on SQLite, whatever the number of questions. The new attempt comes back
as plain data (`NewAttempt`), which the presenters read as they read an Attempt: showing it
needs no query.
"""
from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from sqlalchemy import JSON, Float, Integer, bindparam, column, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from .loader import QuizFile
from .models import Attempt, AttemptQuestion
from .prepared import Prepared
from .questions import Question
from .types import question_type


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


# ---- snapshots, once per quiz file ----------------------------------------------------------

_SNAPSHOTS: dict[int, tuple[QuizFile, dict[int, dict]]] = {}
_SNAPSHOTS_KEPT = 64
_snapshots_lock = threading.Lock()


def question_snapshots(quiz: QuizFile) -> dict[int, dict]:
    """{id(question): Question.to_dict()} for the quiz file's questions, made once per file
    version (the catalog hands out the same QuizFile until the file changes). The dicts are
    shared by every attempt's insert and never changed."""
    entry = _SNAPSHOTS.get(id(quiz))
    if entry is not None and entry[0] is quiz:
        return entry[1]
    snapshots = {id(question): question.to_dict() for question in quiz.questions}
    with _snapshots_lock:
        if len(_SNAPSHOTS) >= _SNAPSHOTS_KEPT:
            _SNAPSHOTS.clear()  # files changed many times over: start again
        _SNAPSHOTS[id(quiz)] = (quiz, snapshots)  # holding `quiz` keeps its id from being reused
    return snapshots


# ---- the new attempt ----------------------------------------------------------------------------

@dataclass
class NewQuestion:
    """An attempt question just inserted, with the parsed question its snapshot was made from."""

    id: int
    position: int
    points: float
    snapshot: dict
    layout: dict
    question: Question


@dataclass
class NewAttempt:
    """An attempt just inserted, as plain data with an Attempt's fields (what the presenters and
    the autosave read); `questions` in position order."""

    id: int
    quiz_id: int
    user_id: int
    number: int
    seed: int
    schedule_key: str | None
    quiz_checksum: str
    settings: dict
    started_at: datetime
    deadline: datetime | None
    grace_seconds: int
    questions: list[NewQuestion] = field(default_factory=list)
    state: str = "in_progress"
    submitted_at: datetime | None = None
    reset_at: datetime | None = None
    score: float | None = None
    max_score: float | None = None
    percent: float | None = None
    passed: bool | None = None


# Every column the start sets (times_graded too: a Python-side default is not applied to a
# prepared statement); the others start NULL.
ATTEMPT_COLUMNS = ("quiz_id", "user_id", "number", "state", "seed", "quiz_checksum", "settings", "started_at",
                   "deadline", "grace_seconds", "times_graded", "schedule_key", "start_ip", "start_user_agent")


@lru_cache(maxsize=4)
def _insert_attempt(dialect: str) -> Prepared:
    """Insert the attempt unless the member has one open (or its number was just taken): a
    concurrent start won then, and nothing is inserted (no row returned)."""
    dialect_insert = pg_insert if dialect == "postgresql" else sqlite_insert
    values = {name: bindparam(name, type_=Attempt.__table__.c[name].type) for name in ATTEMPT_COLUMNS}
    return Prepared(dialect_insert(Attempt).values(values).on_conflict_do_nothing().returning(Attempt.id))


@lru_cache(maxsize=1)
def _insert_questions_statement():
    # One multi-row INSERT (SQLAlchemy's insertmanyvalues); rows matched back by position.
    return insert(AttemptQuestion).returning(AttemptQuestion.position, AttemptQuestion.id)


@lru_cache(maxsize=1)
def _insert_paper_postgresql() -> Prepared:
    """PostgreSQL: the attempt and its questions in one statement. The questions come as one JSON
    array (`questions`: position, points, snapshot, layout); nothing is inserted, and no row
    returned, when a concurrent start's attempt is there first."""
    new_attempt = _insert_attempt("postgresql").statement.cte("new_attempt")
    rows = func.json_to_recordset(bindparam("questions", type_=JSON)).table_valued(
        column("position", Integer), column("points", Float), column("snapshot", JSON), column("layout", JSON),
    ).render_derived(name="q", with_types=True)
    return Prepared(
        insert(AttemptQuestion)
        .from_select(["attempt_id", "position", "points", "snapshot", "layout"],
                     select(new_attempt.c.id, rows.c.position, rows.c.points, rows.c.snapshot, rows.c.layout))
        .returning(AttemptQuestion.attempt_id, AttemptQuestion.position, AttemptQuestion.id)
        .add_cte(new_attempt))


def _insert_paper(connection, row: dict, questions: list[dict]) -> tuple[int, dict[int, int]] | None:
    """(attempt id, {position: attempt question id}), or None when nothing was inserted."""
    if connection.dialect.name == "postgresql" and questions:
        found = _insert_paper_postgresql().execute(connection, {**row, "questions": questions}).all()
        return (found[0][0], {position: id_ for _attempt, position, id_ in found}) if found else None
    attempt_id = _insert_attempt(connection.dialect.name).execute(connection, row).scalar()
    if attempt_id is None:
        return None
    rows = [{"attempt_id": attempt_id, **question} for question in questions]
    return attempt_id, dict(connection.execute(_insert_questions_statement(), rows).all())


def insert_attempt(quiz: QuizFile, values: dict, seed: int) -> NewAttempt | None:
    """Draw the paper with `seed` and insert the attempt (`values`: its columns but the paper's)
    with its questions. None when a concurrent start's attempt is there first."""
    rng = random.Random(seed)
    snapshots = question_snapshots(quiz)
    shuffle = quiz.settings.shuffle_options
    drawn = [(position, question, question_type(question).layout(question, rng, shuffle))
             for position, question in enumerate(draw_questions(quiz, rng), start=1)]
    connection = db.session.connection()
    row = {**values, "seed": seed, "quiz_checksum": quiz.checksum, "state": "in_progress", "times_graded": 0}
    questions = [{"position": position, "points": question.points, "snapshot": snapshots[id(question)],
                  "layout": layout} for position, question, layout in drawn]
    inserted = _insert_paper(connection, row, questions)
    if inserted is None:
        return None
    attempt_id, ids = inserted
    return NewAttempt(
        id=attempt_id, quiz_id=values["quiz_id"], user_id=values["user_id"], number=values["number"],
        seed=seed, schedule_key=values["schedule_key"], quiz_checksum=quiz.checksum,
        settings=values["settings"], started_at=values["started_at"], deadline=values["deadline"],
        grace_seconds=values["grace_seconds"],
        questions=[NewQuestion(ids[position], position, question.points, snapshots[id(question)], layout, question)
                   for position, question, layout in drawn])
