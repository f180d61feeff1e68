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

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import String, and_, cast, func, literal_column, select

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


def _line(dialect: str):
    """The line the question starts on, from the snapshot's text without parsing all of it
    (json.dumps writes `"line": N` right after the stem; inside a JSON string a quote is
    always escaped, so the pattern only matches the key). Parsed where it is not found."""
    snapshot = "attempt_questions.snapshot"
    if dialect == "postgresql":
        text = f"CAST({snapshot} AS TEXT)"
        return literal_column(
            f"CASE WHEN strpos({text}, '\"line\": ') > 0 THEN CAST(substring({text} "
            f"FROM '\"line\": (-?[0-9]+)') AS INTEGER) ELSE CAST({snapshot} ->> 'line' AS INTEGER) END")
    return literal_column(
        f"CASE WHEN instr({snapshot}, '\"line\": ') > 0 THEN CAST(substr({snapshot}, "
        f"instr({snapshot}, '\"line\": ') + 8, 12) AS INTEGER) ELSE json_extract({snapshot}, '$.line') END")


def _answer_rows(chosen):
    dialect = db.engine.dialect.name
    statement = (
        select(Answer.attempt_id, AttemptQuestion.id, AttemptQuestion.position, _line(dialect),
               Answer.fraction, Answer.points_awarded, cast(Answer.response, String),
               cast(AttemptQuestion.layout, String))
        .select_from(Answer)
        .join(AttemptQuestion, AttemptQuestion.id == Answer.attempt_question_id)
        .join(chosen, chosen.c.id == Answer.attempt_id)
        .where(Answer.fraction.is_not(None)))
    # Plain DB-API rows: no ORM objects, no JSON decoding per row.
    return db.session.execute(statement)


def _snapshots(ids: list[int]) -> dict[int, Question]:
    if not ids:
        return {}
    rows = db.session.execute(select(AttemptQuestion.id, AttemptQuestion.snapshot)
                              .where(AttemptQuestion.id.in_(ids)))
    return {row_id: Question.from_dict(snapshot) for row_id, snapshot in rows}


# ---- the pass -------------------------------------------------------------------------------

@dataclass
class _Group:
    """One question of one version of the file: what the attempts that had it scored."""

    first_row: int
    attempts: list[int] = field(default_factory=list)
    fractions: list[float] = field(default_factory=list)
    marks: list[float] = field(default_factory=list)
    raw: list[tuple[str | None, str | None]] = field(default_factory=list)


def quiz_statistics(quiz: Quiz, which: str, schedule_keys: list[str] | None = None) -> QuizStatistics:
    if which not in WHICH:
        raise ValueError(which)
    chosen = chosen_attempts(quiz.id, which, schedule_keys)
    totals: dict[int, float] = {}
    scale: dict[int, float] = {}
    version: dict[int, str] = {}
    for attempt_id, score, max_score, checksum in db.session.execute(select(chosen)):
        factor = 100 / max_score if max_score else 0.0
        totals[attempt_id] = (score or 0.0) * factor
        scale[attempt_id] = factor
        version[attempt_id] = checksum
    groups: dict[tuple[str, int], _Group] = {}
    positions: dict[int, list[float]] = defaultdict(list)
    if totals:
        for attempt_id, row_id, position, line, fraction, points, response, layout in _answer_rows(chosen):
            key = (version[attempt_id], line)
            group = groups.get(key)
            if group is None:
                group = groups[key] = _Group(first_row=row_id)
            mark = (points or 0.0) * scale[attempt_id]
            group.attempts.append(attempt_id)
            group.fractions.append(fraction)
            group.marks.append(mark)
            group.raw.append((response, layout))
            positions[position].append(mark)
    questions = _merge(groups, _snapshots([g.first_row for g in groups.values()]))
    percents = list(totals.values())
    drawn = any(len(q.attempts) < len(totals) for q in questions)
    if drawn:  # Moodle's slots: the paper's positions
        variances = [calculator.sample_variance(marks) for marks in positions.values()]
        p = len(positions)
    else:
        variances = []
        p = len(questions)
    result = []
    for number, merged in enumerate(questions, start=1):
        others = [totals[a] - m for a, m in zip(merged.attempts, merged.marks, strict=True)]
        figures = calculator.question_figures(merged.fractions, merged.marks, others)
        if not drawn:
            variances.append(figures.mark_variance)
        result.append(QuestionStatistics(
            title=merged.title, type=merged.question.type, figures=figures,
            responses=response_counts(merged.question, merged.raw), number=number))
    summed = sum(v for v in variances if v is not None)
    return QuizStatistics(which=which, figures=calculator.test_figures(percents, p, summed),
                          percents=percents, questions=result)


@dataclass
class _Merged:
    question: Question
    title: str
    line: int
    attempts: list[int] = field(default_factory=list)
    fractions: list[float] = field(default_factory=list)
    marks: list[float] = field(default_factory=list)
    raw: list = field(default_factory=list)
    versions: list[tuple[str, int]] = field(default_factory=list)  # (checksum, line) merged here


def _title(question: Question) -> str:
    if question.title and question.title.strip():
        return question.title.strip()
    text = " ".join(question.text.split())
    return text if len(text) <= 60 else text[:59] + "…"


def _merge(groups: dict[tuple[str, int], _Group], snapshots: dict[int, Question]) -> list[_Merged]:
    """The same question across versions of the file: by type and title (or stem)."""
    merged: dict[tuple, _Merged] = {}
    for (checksum, line), group in groups.items():
        question = snapshots[group.first_row]
        identity = (question.type, question.title or None, None if question.title else question.text)
        if identity in merged and any(seen == checksum for seen, _line in merged[identity].versions):
            identity = identity + (line,)  # two questions of one file share a title: keep apart
        target = merged.get(identity)
        if target is None:
            target = merged[identity] = _Merged(question=question, title=_title(question), line=line)
        target.versions.append((checksum, line))
        target.attempts += group.attempts
        target.fractions += group.fractions
        target.marks += group.marks
        target.raw += group.raw
    return sorted(merged.values(), key=lambda m: m.line)
