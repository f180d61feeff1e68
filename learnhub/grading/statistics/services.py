"""Quiz statistics (Moodle's report) from the stored attempts: three statements, one pass.

Which attempts: finished ones (state submitted or graded; needs_grading has no total yet),
not reset by staff, of the quiz, optionally only those made under some class exams
(`schedule_keys`, see classes.exams.services.exam_key); then per member the first, the
highest or the last of them, or all (Moodle's "calculate statistics from").

How: (1) the chosen attempts' totals, (2) every answer of those attempts with its question's
identity, fraction and points, response and layout, read as plain rows (never ORM objects),
(3) one snapshot per distinct question. Marks and totals are in percent of each attempt's
maximum (a paper drawn at random may have its own maximum); Moodle's figures are ratios of
these or, like Moodle's report, percentages of the maximum.

Questions are identified across attempts by their snapshot: within one version of the quiz
file (the attempt's quiz_checksum) by the line the question starts on, and across versions
by type and title (or text when it has none). A question drawn at random appears in some
attempts only: its figures are over the attempts that had it, with the rest of the test as
the other attempts' totals minus its mark. Moodle computes the coefficient of internal
consistency from its slots; without draws every question is a slot, with draws the paper's
positions are (each position holds one drawn question per attempt, like Moodle's random slots).
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Text, and_, case, cast, func, literal_column, select, text as text_sql

from ...extensions import db
from ...quizzes.models import Answer, Attempt, AttemptQuestion, Quiz
from ...quizzes.questions import Question
from . import calculator
from .responses import response_counts

WHICH = ("first", "highest", "last", "all")
FINISHED = ("submitted", "graded")


@dataclass
class QuestionStatistics:
    title: str
    type: str
    figures: calculator.QuestionFigures
    responses: list[tuple[str, int]]
    number: int                 # its order in the report (first seen in the file)

    def __getattr__(self, name):  # facility, sd, ... read straight through (templates, API)
        if name in ("facility", "sd", "discrimination_index", "discriminative_efficiency"):
            return getattr(self.figures, name)
        raise AttributeError(name)


@dataclass
class QuizStatistics:
    which: str
    figures: calculator.TestFigures
    percents: list[float]
    questions: list[QuestionStatistics] = field(default_factory=list)

    @property
    def attempts_count(self) -> int:
        return self.figures.count

    def as_api(self) -> dict:
        f = self.figures
        return {
            "attempts_count": f.count, "mean": _round(f.mean), "median": _round(f.median),
            "sd": _round(f.sd), "skewness": _round(f.skewness), "kurtosis": _round(f.kurtosis),
            "cic": _round(f.cic), "error_ratio": _round(f.error_ratio),
            "standard_error": _round(f.standard_error),
            "questions": [{
                "title": q.title, "type": q.type, "facility": _round(q.facility), "sd": _round(q.sd),
                "discrimination_index": _round(q.discrimination_index),
                "discriminative_efficiency": _round(q.discriminative_efficiency),
                "responses": [{"response": text, "count": count} for text, count in q.responses],
            } for q in self.questions],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def empty_statistics(which: str) -> QuizStatistics:
    return QuizStatistics(which=which, figures=calculator.TestFigures(count=0), percents=[])


def default_which(grading: str) -> str:
    """Moodle's default: the attempts the quiz's grading method counts (average: all)."""
    return grading if grading in WHICH else "all"


# ---- the statements -------------------------------------------------------------------------

def chosen_attempts(quiz_id: int, which: str, schedule_keys: list[str] | None):
    """A subquery of the attempts the figures are over: id, score, max_score, quiz_checksum."""
    conditions = [Attempt.quiz_id == quiz_id, Attempt.state.in_(FINISHED), Attempt.reset_at.is_(None)]
    if schedule_keys is not None:
        conditions.append(Attempt.schedule_key.in_(schedule_keys) if schedule_keys else literal_column("1") == 0)
    columns = [Attempt.id, Attempt.score, Attempt.max_score, Attempt.quiz_checksum]
    if which == "all":
        return select(*columns).where(*conditions).subquery("chosen")
    order = {"first": [Attempt.number.asc()], "last": [Attempt.number.desc()],
             "highest": [Attempt.percent.desc(), Attempt.number.asc()]}[which]
    ranked = select(*columns, func.row_number().over(partition_by=Attempt.user_id, order_by=order)
                    .label("rank")).where(*conditions).subquery("ranked")
    return select(ranked.c.id, ranked.c.score, ranked.c.max_score, ranked.c.quiz_checksum) \
        .where(ranked.c.rank == 1).subquery("chosen")


def _line(dialect: str) -> str:
    """SQL for the line the question starts on, from the snapshot's text without parsing all of
    it (json.dumps writes `"line": N` right after the stem; inside a JSON string a quote is
    always escaped, so the pattern only matches the key). Parsed where it is not found."""
    if dialect == "postgresql":
        text = "CAST(attempt_questions.snapshot AS TEXT)"
        return (f"CASE WHEN strpos({text}, '\"line\": ') > 0 THEN CAST(substring({text} "
                f"FROM '\"line\": (-?[0-9]+)') AS INTEGER) "
                "ELSE CAST(attempt_questions.snapshot ->> 'line' AS INTEGER) END")
    snapshot = "attempt_questions.snapshot"
    return (f"CASE WHEN instr({snapshot}, '\"line\": ') > 0 THEN CAST(substr({snapshot}, "
            f"instr({snapshot}, '\"line\": ') + 8, 12) AS INTEGER) ELSE json_extract({snapshot}, '$.line') END")


def _percent_of(column, maximum):
    return case((maximum > 0, column * 100.0 / maximum), else_=0.0)


def _once(statement, dialect: str, name: str):
    """A subquery whose columns are computed once per row: the planners would otherwise flatten
    it and copy each expression into every place the outer query uses it (SQLite's LIMIT -1
    and PostgreSQL's OFFSET 0 stop that)."""
    return (statement.limit(-1) if dialect == "sqlite" else statement.offset(0)).subquery(name)


def _grouped_rows(chosen, positional_version: str | None, one_version: bool):
    """Every answer of the chosen attempts, grouped by what the figures need, counted: the
    question (its file version and, within it, its position when the version puts every
    question in file order, else the line it starts on), its fraction, its mark and the
    attempt's total (in percent of the attempt's maximum), and the response. A single
    choice's response is its option's index, read from the layout text json.dumps wrote
    (`"<id>", "index": N`; checked, else the response and layout are handed over as they are).
    Distinct combinations only: thousands of rows where there are hundreds of thousands of answers."""
    dialect = db.engine.dialect.name
    find = "strpos" if dialect == "postgresql" else "instr"
    key = literal_column(_line(dialect))
    if positional_version is not None:
        key = case((chosen.c.quiz_checksum == positional_version, AttemptQuestion.position), else_=key)
    layout, response = cast(AttemptQuestion.layout, Text), cast(Answer.response, Text)
    inner = (
        select(chosen.c.quiz_checksum.label("version"), key.label("question"),
               AttemptQuestion.id.label("row_id"), Answer.fraction.label("f"),
               _percent_of(func.coalesce(Answer.points_awarded, 0.0), chosen.c.max_score).label("x"),
               _percent_of(func.coalesce(chosen.c.score, 0.0), chosen.c.max_score).label("t"),
               response.label("resp"), layout.label("lay"),
               getattr(func, find)(layout, response).label("at"), func.length(response).label("n"))
        .select_from(Answer)
        .join(chosen, chosen.c.id == Answer.attempt_id)
        .join(AttemptQuestion, AttemptQuestion.id == Answer.attempt_question_id)
        .where(Answer.fraction.is_not(None)))
    r = _once(inner, dialect, "r")
    checked = _once(select(r, and_(r.c.at > 0, func.substr(r.c.resp, 1, 1) == '"',
                                   func.substr(r.c.lay, r.c.at + r.c.n, 11) == ', "index": ').label("ok")),
                    dialect, "s")
    index = case((checked.c.ok, func.substr(checked.c.lay, checked.c.at + checked.c.n + 11, 4)), else_=None)
    text = case((checked.c.ok, None), else_=checked.c.resp)
    own_layout = case((and_(~checked.c.ok, func.substr(checked.c.resp, 1, 1).in_(('"', "[", "{"))),
                       checked.c.lay), else_=None)
    keyed = _once(select(checked.c.version, checked.c.question, checked.c.row_id, checked.c.f, checked.c.x,
                         checked.c.t, index.label("idx"), text.label("rk"), own_layout.label("lk")), dialect, "k")
    groups = [keyed.c.question, keyed.c.f, keyed.c.x, keyed.c.t, keyed.c.idx, keyed.c.rk, keyed.c.lk]
    if not one_version:
        groups.insert(0, keyed.c.version)
    statement = (select(func.min(keyed.c.version), keyed.c.question, func.min(keyed.c.row_id), keyed.c.f,
                        keyed.c.x, keyed.c.t, keyed.c.idx, keyed.c.rk, keyed.c.lk, func.count())
                 .group_by(*groups))
    if dialect == "postgresql":
        # Room to group the distinct combinations in memory (a hash) for this transaction only,
        # rather than sorting 500,000 rows on disk.
        db.session.execute(text_sql("SET LOCAL work_mem = '64MB'"))
    return db.session.execute(statement)


def _index(text: str | None) -> int | None:
    """The option index from the layout's text after `"index": ` (e.g. `2}, ` or `12}]`)."""
    if text is None:
        return None
    digits = text.split("}", 1)[0].strip()
    return int(digits) if digits.isdigit() else None


def _position_variances(chosen) -> list[float | None]:
    """Per position of the paper (Moodle's slots, for the cic when questions were drawn): the
    variance of the marks, from (position, mark, count) groups."""
    mark = _percent_of(func.coalesce(Answer.points_awarded, 0.0), chosen.c.max_score).label("x")
    statement = (select(AttemptQuestion.position, mark, func.count())
                 .select_from(Answer).join(chosen, chosen.c.id == Answer.attempt_id)
                 .join(AttemptQuestion, AttemptQuestion.id == Answer.attempt_question_id)
                 .where(Answer.fraction.is_not(None)).group_by(AttemptQuestion.position, mark))
    by_position: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for position, x, n in db.session.execute(statement):
        by_position[position].append((x, n))
    return [calculator.weighted_variance(entries) for entries in by_position.values()]


def _snapshots(ids: list[int]) -> dict[int, Question]:
    if not ids:
        return {}
    rows = db.session.execute(select(AttemptQuestion.id, AttemptQuestion.snapshot)
                              .where(AttemptQuestion.id.in_(ids)))
    return {row_id: Question.from_dict(snapshot) for row_id, snapshot in rows}


# ---- the pass -------------------------------------------------------------------------------

@dataclass
class _Group:
    """One question of one version of the file: its grouped marks and responses."""

    first_row: int
    marks: list[tuple[float, float, float, int]] = field(default_factory=list)  # fraction, x, rest, count
    responses: list[tuple] = field(default_factory=list)                       # index, text, layout, count


def positional_version(quiz_file) -> str | None:
    """The checksum of a file version whose every attempt has its questions in file order (no
    draw, no shuffle): there the position identifies the question (no snapshot text to read)."""
    if quiz_file is None or quiz_file.settings.shuffle_questions or quiz_file.settings.draw is not None:
        return None
    return quiz_file.checksum


def quiz_statistics(quiz: Quiz, which: str, schedule_keys: list[str] | None = None,
                    quiz_file=None) -> QuizStatistics:
    """`quiz_file`: the quiz's current file, if loaded (its version is then read faster)."""
    if which not in WHICH:
        raise ValueError(which)
    chosen = chosen_attempts(quiz.id, which, schedule_keys)
    percents, versions = [], set()
    for _id, score, max_score, checksum in db.session.execute(select(chosen)):
        percents.append(100 * (score or 0.0) / max_score if max_score else 0.0)
        versions.add(checksum)
    groups: dict[tuple[str, int], _Group] = {}
    if percents:
        for version, line, row_id, fraction, x, total, index, response, layout, n in _grouped_rows(
                chosen, positional_version(quiz_file), len(versions) == 1):
            group = groups.get((version, line))
            if group is None:
                group = groups[(version, line)] = _Group(first_row=row_id)
            group.first_row = min(group.first_row, row_id)
            group.marks.append((fraction, x, total - x, n))
            group.responses.append((_index(index), response, layout, n))
    questions = _merge(groups, _snapshots([g.first_row for g in groups.values()]),
                       quiz_file.checksum if quiz_file is not None else None)
    result = [QuestionStatistics(title=merged.title, type=merged.question.type,
                                 figures=calculator.weighted_question_figures(merged.marks),
                                 responses=response_counts(merged.question, merged.responses), number=number)
              for number, merged in enumerate(questions, start=1)]
    drawn = any(q.figures.count < len(percents) for q in result)
    if drawn:  # Moodle's slots: the paper's positions
        variances = _position_variances(chosen)
    else:
        variances = [q.figures.mark_variance for q in result]
    summed = math.fsum(v for v in variances if v is not None)
    return QuizStatistics(which=which, figures=calculator.test_figures(percents, len(variances), summed),
                          percents=percents, questions=result)


@dataclass
class _Merged:
    question: Question
    title: str
    line: int
    marks: list = field(default_factory=list)
    responses: list = field(default_factory=list)
    versions: list[tuple[str, int]] = field(default_factory=list)  # (checksum, line) merged here


def _title(question: Question) -> str:
    if question.title and question.title.strip():
        return question.title.strip()
    text = " ".join(question.text.split())
    return text if len(text) <= 60 else text[:59] + "…"


def _merge(groups: dict[tuple[str, int], _Group], snapshots: dict[int, Question],
           current: str | None = None) -> list[_Merged]:
    """The same question across versions of the file: by type and title (or stem). The current
    version's questions come first and give the report its order and wording."""
    merged: dict[tuple, _Merged] = {}
    for (checksum, line), group in sorted(groups.items(), key=lambda item: (item[0][0] != current, item[0])):
        question = snapshots[group.first_row]
        identity = (question.type, question.title or None, None if question.title else question.text)
        if identity in merged and any(seen == checksum for seen, _line in merged[identity].versions):
            identity = identity + (line,)  # two questions of one file share a title: keep apart
        target = merged.get(identity)
        if target is None:
            target = merged[identity] = _Merged(question=question, title=_title(question), line=question.line)
        target.versions.append((checksum, line))
        target.marks += group.marks
        target.responses += group.responses
    return sorted(merged.values(), key=lambda m: m.line)
