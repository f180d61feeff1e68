"""Accept a near-miss short answer, or regrade after a key fix: preview, then apply.

Both work from the attempts' stored snapshots and end in quizzes.scoring.rescore (the one
score formula). A preview runs the very same change inside a SAVEPOINT and rolls it back,
so what it shows is what applying does. Only finished attempts count (not in progress,
not reset by staff); answers a grader set by hand (grader_id) are never touched.

Questions are named by their number in the quiz file as it is now (1 = the first, text-only
items counted) and identified across the file's versions and the snapshots by
quizzes.accepted.question_key (title, or stem text when untitled).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ...auth.models import User
from ...core.audit import audit
from ...core.database import savepoint
from ...core.errors import FieldError, NotFound
from ...core.signals import attempt_graded
from ...core.types import utcnow
from ...extensions import db
from ...quizzes.accepted import (
    RESPONSE_MAX,
    AcceptedResponse,
    accepted_responses,
    normalise_response,
    question_key,
)
from ...quizzes.grading import answer_points, grade_answer
from ...quizzes.loader import QuizFile
from ...quizzes.models import Answer, Attempt, AttemptQuestion, Quiz
from ...quizzes.questions import Question
from ...quizzes.scoring import rescore
from ...quizzes.types import question_type, render_text, short_answer_display

MIN_FRACTION = 0.01  # the least credit an accepted response gives (1 = right)


@dataclass
class Change:
    attempt: int
    user_id: int
    username: str
    display_name: str
    old_score: float | None
    new_score: float | None
    max_score: float | None
    old_passed: bool | None
    new_passed: bool | None


@dataclass
class Outcome:
    """`attempts` considered, `changes` those whose score changes (`changed` of them)."""

    attempts: int = 0
    changes: list[Change] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return len(self.changes)


@dataclass
class NearMiss:
    response: str          # the most common spelling members typed
    normalised: str
    count: int             # finished attempts that gave it
    fraction: float        # the best credit it earns now
    accepted: float | None  # the credit staff accepted, if any


@dataclass
class ShortQuestion:
    number: int
    question: Question
    key_text: str
    text_html: Markup
    near_misses: list[NearMiss]


class _Preview(Exception):
    """Raised inside the preview's savepoint to roll it back, carrying what it found."""

    def __init__(self, outcome: Outcome):
        super().__init__("preview")
        self.outcome = outcome


def _previewed(work, dry_run: bool) -> Outcome:
    if not dry_run:
        return work(True)
    try:
        with savepoint(db.session):
            raise _Preview(work(False))
    except _Preview as preview:
        db.session.expire_all()  # objects read inside the rolled-back savepoint
        return preview.outcome


# ---- questions --------------------------------------------------------------------------------

def snapshot_key(snapshot: dict) -> str:
    return question_key(snapshot.get("title"), snapshot.get("text", ""))


def file_question(quiz: QuizFile, number: int) -> Question:
    """The question at `number` (1-based) in the file: 404 unknown_question; 422 when it is
    not an automatically graded short answer."""
    if not 1 <= number <= len(quiz.questions):
        raise NotFound(404, "unknown_question", _l("The quiz has no question %(n)d.", n=number))
    question = quiz.questions[number - 1]
    if question.type != "short" or question.manual:
        raise FieldError("question", _l("Only automatically graded short-answer questions take accepted responses."))
    return question


def _finished(quiz_row: Quiz):
    return (Attempt.quiz_id == quiz_row.id, Attempt.state != "in_progress", Attempt.reset_at.is_(None))


def _short_rows(quiz_row: Quiz, where=()):
    """(attempt id, attempt question, answer) of short answers in finished attempts."""
    return db.session.execute(
        select(Attempt.id, AttemptQuestion, Answer)
        .join(AttemptQuestion, AttemptQuestion.attempt_id == Attempt.id)
        .join(Answer, Answer.attempt_question_id == AttemptQuestion.id)
        .where(*_finished(quiz_row), AttemptQuestion.snapshot["type"].as_string() == "short", *where)
        .order_by(Attempt.id)).all()


def _same(question: Question) -> tuple:
    """SQL narrowing to the snapshots of this question (checked exactly in Python after)."""
    if question.title:
        return (AttemptQuestion.snapshot["title"].as_string() == question.title,)
    return (AttemptQuestion.snapshot["text"].as_string() == question.text,)


def short_questions(quiz_row: Quiz | None, quiz: QuizFile) -> list[ShortQuestion]:
    """The file's auto-graded short questions, each with the responses members gave that
    scored less than full (not hand-graded), most common first."""
    wanted = {}
    for number, question in enumerate(quiz.questions, start=1):
        if question.type == "short" and not question.manual:
            wanted.setdefault(question_key(question.title, question.text), (number, question))
    groups: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    accepted = accepted_responses(quiz_row.id) if quiz_row else {}
    if quiz_row is not None:
        for _attempt_id, attempt_question, answer in _short_rows(
                quiz_row, (Answer.fraction < 1, Answer.grader_id.is_(None))):
            key = snapshot_key(attempt_question.snapshot)
            if key not in wanted or not isinstance(answer.response, str):
                continue
            normalised = normalise_response(answer.response)
            if normalised and len(normalised) <= RESPONSE_MAX and answer.fraction is not None:
                groups[key][normalised].append((answer.response.strip(), answer.fraction))
    found = []
    for key, (number, question) in wanted.items():
        misses = [NearMiss(response=Counter(r for r, _f in rows).most_common(1)[0][0], normalised=normalised,
                           count=len(rows), fraction=max(f for _r, f in rows),
                           accepted=accepted.get((key, normalised)))
                  for normalised, rows in groups[key].items()]
        misses.sort(key=lambda m: (-m.count, m.normalised))
        key_text = short_answer_display(str(question_type(question).correct_response(question, {})))
        found.append(ShortQuestion(number, question, key_text, Markup(render_text(question.text, question.text_format)),
                                   misses))
    return found


# ---- scoring changes --------------------------------------------------------------------------

def _users(ids) -> dict[int, User]:
    ids = set(ids)
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def _rescored(attempts: list[Attempt], answers: dict[int, dict[int, Answer]], touched: set[int],
              apply: bool) -> list[Change]:
    """Rescore the touched attempts (by staff); the changes in their scores."""
    users = _users(a.user_id for a in attempts if a.id in touched)
    changes = []
    for attempt in attempts:
        if attempt.id not in touched:
            continue
        old_score, old_passed, old_state = attempt.score, attempt.passed, attempt.state
        rescore(attempt, answers.get(attempt.id, {}), by_staff=True)  # the one score formula
        if attempt.score != old_score or attempt.passed != old_passed:
            user = users.get(attempt.user_id)
            changes.append(Change(attempt.id, attempt.user_id, user.username if user else "",
                                  user.display_name if user else "", old_score, attempt.score,
                                  attempt.max_score, old_passed, attempt.passed))
        if apply and attempt.state != "needs_grading" and (
                attempt.passed != old_passed or attempt.state != old_state or attempt.score != old_score):
            attempt_graded.send(current_app._get_current_object(), attempt=attempt)
    return changes


def _set_grade(answer: Answer, fraction: float, points: float) -> bool:
    """Change an automatic grade, unless a grader graded the answer meanwhile (the version
    and grader_id guard the UPDATE, as manual grading's own does); the answer's version
    rises so a grader holding the old one gets 409 stale_version. False: left as it is."""
    result = db.session.execute(
        update(Answer).where(Answer.id == answer.id, Answer.version == answer.version,
                             Answer.grader_id.is_(None))
        .values(fraction=fraction, points_awarded=points, version=Answer.version + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    for name, value in (("fraction", fraction), ("points_awarded", points), ("version", answer.version + 1)):
        set_committed_value(answer, name, value)
    return True


def _load_attempts(ids) -> list[Attempt]:
    ids = sorted(set(ids))
    if not ids:
        return []
    return list(db.session.scalars(select(Attempt).where(Attempt.id.in_(ids))
                                   .options(selectinload(Attempt.questions)).order_by(Attempt.id)))


def _answers_of(attempt_ids) -> dict[int, dict[int, Answer]]:
    found: dict[int, dict[int, Answer]] = defaultdict(dict)
    ids = list(attempt_ids)
    for start in range(0, len(ids), 500):
        for answer in db.session.scalars(select(Answer).where(Answer.attempt_id.in_(ids[start:start + 500]))):
            found[answer.attempt_id][answer.attempt_question_id] = answer
    return found


def _lock(quiz_row: Quiz) -> None:
    """Two applies of the same quiz run one after the other (a row lock on PostgreSQL;
    SQLite has one writer at a time)."""
    db.session.scalar(select(Quiz.id).where(Quiz.id == quiz_row.id).with_for_update())


# ---- accepting a response ---------------------------------------------------------------------

def check_accept(response: str, fraction: float) -> str:
    """The normalised response; 422 naming the field at fault."""
    if not isinstance(fraction, (int, float)) or not MIN_FRACTION <= fraction <= 1:
        raise FieldError("fraction", _l("The credit is a fraction from 0.01 to 1."))
    normalised = normalise_response(response or "")
    if not normalised:
        raise FieldError("response", _l("Choose a response to accept."))
    if len(normalised) > RESPONSE_MAX:
        raise FieldError("response", _l("A response to accept is at most %(n)d characters.", n=RESPONSE_MAX))
    return normalised


def accept_response(actor, quiz_row: Quiz, quiz: QuizFile, number: int, response: str,
                    fraction: float = 1.0, *, dry_run: bool) -> Outcome:
    """Accept `response` to question `number` for `fraction` of its points in every finished
    attempt (an answer keeps a better grade it has: max(current, fraction)) and in future
    ones (the stored AcceptedResponse). Idempotent; each changed attempt is audited."""
    question = file_question(quiz, number)
    normalised = check_accept(response, float(fraction))
    fraction = float(fraction)
    key = question_key(question.title, question.text)

    def work(apply: bool) -> Outcome:
        _lock(quiz_row)
        _store(actor, quiz_row, key, normalised, fraction, question, number)
        rows = [(attempt_id, aq, answer) for attempt_id, aq, answer in _short_rows(quiz_row, _same(question))
                if snapshot_key(aq.snapshot) == key and not aq.snapshot.get("manual")
                and isinstance(answer.response, str) and normalise_response(answer.response) == normalised]
        outcome = Outcome(attempts=len({attempt_id for attempt_id, _aq, _a in rows}))
        touched = set()
        for attempt_id, attempt_question, answer in rows:
            if answer.grader_id is not None or answer.fraction is None or answer.fraction >= fraction:
                continue
            if _set_grade(answer, fraction, answer_points(fraction, attempt_question)):
                touched.add(attempt_id)
        attempts = _load_attempts(touched)
        outcome.changes = _rescored(attempts, _answers_of(touched), touched, apply)
        for change in outcome.changes:
            audit(actor, "grade.accept", db.session.get(Attempt, change.attempt), question=number,
                  question_title=question.title, response=normalised, fraction=fraction,
                  old_score=change.old_score, new_score=change.new_score,
                  old_passed=change.old_passed, new_passed=change.new_passed)
        db.session.flush()
        return outcome

    return _previewed(work, dry_run)


def _store(actor, quiz_row: Quiz, key: str, normalised: str, fraction: float, question: Question,
           number: int) -> None:
    """The AcceptedResponse, created or raised to `fraction` (never lowered)."""
    row = db.session.scalar(select(AcceptedResponse).where(
        AcceptedResponse.quiz_id == quiz_row.id, AcceptedResponse.question_key == key,
        AcceptedResponse.response == normalised))
    if row is not None and row.fraction >= fraction:
        return
    old = row.fraction if row is not None else None
    if row is None:
        row = AcceptedResponse(quiz_id=quiz_row.id, question_key=key, response=normalised, fraction=fraction,
                               created_by=getattr(actor, "id", None), created_at=utcnow())
        db.session.add(row)
    else:
        row.fraction = fraction
    db.session.flush()
    audit(actor, "grade.accept", row, question=number, question_title=question.title, response=normalised,
          old_fraction=old, new_fraction=fraction)


# ---- regrading after a key fix ----------------------------------------------------------------

_KEY_FIELDS = {"short": ("choices",), "numerical": ("numeric",),
               "true_false": ("true_false", "feedback_true", "feedback_false"),
               "single": ("choices",), "multiple": ("choices",)}


def fixed_snapshot(snapshot: dict, current: Question) -> dict | None:
    """The snapshot with the key part of the file's current question, or None when there is
    nothing to change or it cannot be changed safely: another type, or (single, multiple)
    options whose texts differ (the attempt's layout points at options by position);
    matching, essays and descriptions are left as they are."""
    fields = _KEY_FIELDS.get(snapshot.get("type"))
    if fields is None or current.type != snapshot.get("type"):
        return None
    new = current.to_dict()
    if current.type in ("single", "multiple"):
        if [c["text"] for c in new["choices"]] != [c["text"] for c in snapshot.get("choices", [])]:
            return None
    changed = {name: new[name] for name in fields if snapshot.get(name) != new[name]}
    return {**snapshot, **changed} if changed else None


def regrade_quiz(actor, quiz_row: Quiz, quiz: QuizFile, *, dry_run: bool) -> Outcome:
    """Grade every finished attempt's auto-graded answers with the file's current keys (and
    the accepted responses): each snapshot question matched to the file's question by its
    identity gets the file's key part; questions no longer in the file (or named twice in
    it) are left as they are, and so are answers graded by hand. Idempotent; audited."""
    keys = Counter(question_key(q.title, q.text) for q in quiz.questions)
    current = {question_key(q.title, q.text): q for q in quiz.questions}
    current = {key: q for key, q in current.items() if keys[key] == 1}
    accepted = accepted_responses(quiz_row.id)

    def work(apply: bool) -> Outcome:
        _lock(quiz_row)
        ids = list(db.session.scalars(select(Attempt.id).where(*_finished(quiz_row)).order_by(Attempt.id)))
        outcome = Outcome(attempts=len(ids))
        touched, fixed = set(), defaultdict(list)
        for start in range(0, len(ids), 200):
            chunk = _load_attempts(ids[start:start + 200])
            answers = _answers_of(a.id for a in chunk)
            for attempt in chunk:
                for attempt_question in attempt.questions:
                    question = current.get(snapshot_key(attempt_question.snapshot))
                    snapshot = fixed_snapshot(attempt_question.snapshot, question) if question else None
                    if snapshot is None:
                        continue
                    attempt_question.snapshot = snapshot
                    fixed[attempt.id].append(attempt_question.position)
                    answer = answers[attempt.id].get(attempt_question.id)
                    if answer is None or answer.grader_id is not None or answer.fraction is None:
                        continue
                    grade = grade_answer(Question.from_dict(snapshot), attempt_question, answer.response, accepted)
                    if grade[0] is not None and grade != (answer.fraction, answer.points_awarded) \
                            and _set_grade(answer, *grade):
                        touched.add(attempt.id)
            db.session.flush()
            changes = _rescored(chunk, answers, touched, apply)
            outcome.changes.extend(changes)
        scores = {c.attempt: c for c in outcome.changes}
        for attempt_id, positions in fixed.items():
            change = scores.get(attempt_id)
            attempt = db.session.get(Attempt, attempt_id)
            audit(actor, "grade.regrade", attempt, questions=positions,
                  old_score=change.old_score if change else attempt.score,
                  new_score=change.new_score if change else attempt.score)
        db.session.flush()
        return outcome

    return _previewed(work, dry_run)
