"""Statistics tests' data: finished attempts written straight into the tables (graded by the
quiz engine's own grade_answer), and Moodle's formulas in plain Python for the expected figures
(written here from Moodle's definitions, independently of learnhub.grading.statistics)."""
from __future__ import annotations

import math
import random
from datetime import timedelta

from learnhub.core.types import utcnow
from learnhub.courses.index import content_index
from learnhub.extensions import db
from learnhub.quizzes.attempts import quiz_row
from learnhub.quizzes.grading import grade_answer
from learnhub.quizzes.loader import get_quiz_catalog
from learnhub.quizzes.models import Answer, Attempt, AttemptQuestion
from learnhub.quizzes.types import question_type

# Four one-point questions of four types (single, single, true/false, short).
STATS_QUIZ = """---
title: Stats quiz
kind: exam
grading: highest
---
::capital::The capital? {=Beijing ~Shanghai ~Guangzhou}

::two::One and one? {=2 ~3 ~4}

::tf::The sky is blue? {T}

::short::Where do members study? {=党课}
"""
TITLES = ("capital", "two", "tf", "short")


def quiz_parts(slug: str = "stats", course: str = "qc"):
    """(the quiz's row, its file)."""
    course_entry = content_index().course(course)
    quiz = get_quiz_catalog().get(course, slug)
    row = quiz_row(course_entry, quiz)
    db.session.flush()
    return row, quiz


def add_attempt(row, quiz, user, answers: dict, number: int = 1, state: str = "submitted",
                schedule_key: str | None = None, reset: bool = False, seed: int = 0) -> Attempt:
    """A finished attempt at the questions named in `answers` ({title: response}): for a
    single-choice question the index of the option in the file, for true/false a bool, for a
    short answer the text (None: no answer). Graded by quizzes.grading.grade_answer."""
    rng = random.Random(seed)
    now = utcnow()
    attempt = Attempt(quiz_id=row.id, user_id=user.id, number=number, state="in_progress", seed=seed,
                      quiz_checksum=quiz.checksum, settings={"pass_percent": 60}, started_at=now,
                      schedule_key=schedule_key)
    db.session.add(attempt)
    db.session.flush()
    score = max_score = 0.0
    by_title = {q.title: q for q in quiz.questions}
    for position, (title, given) in enumerate(answers.items(), start=1):
        question = by_title[title]
        layout = question_type(question).layout(question, rng, True)
        attempt_question = AttemptQuestion(attempt_id=attempt.id, position=position, points=question.points,
                                           snapshot=question.to_dict(), layout=layout)
        db.session.add(attempt_question)
        db.session.flush()
        response = given
        if question.type == "single" and given is not None:
            response = next(o["id"] for o in layout["options"] if o["index"] == given)
        fraction, points = grade_answer(question, attempt_question, response)
        db.session.add(Answer(attempt_id=attempt.id, attempt_question_id=attempt_question.id,
                              response=response, saved_at=now, fraction=fraction, points_awarded=points))
        score += points
        max_score += question.points
    attempt.state, attempt.submitted_at = state, now + timedelta(minutes=1)
    attempt.score, attempt.max_score = score, max_score
    attempt.percent = round(100 * score / max_score, 2)
    attempt.reset_at = now if reset else None
    db.session.flush()
    return attempt


# ---- Moodle's formulas, independently ------------------------------------------------------

def moodle_test(totals: list[float], item_variances: list[float]) -> dict:
    """Moodle's test statistics (mod/quiz/report/statistics calculator.php) of the totals."""
    s = len(totals)
    out = dict.fromkeys(("mean", "median", "sd", "skewness", "kurtosis", "cic", "error_ratio",
                         "standard_error"))
    out["attempts_count"] = s
    if s == 0:
        return out
    mean = sum(totals) / s
    ordered = sorted(totals)
    out["mean"] = mean
    out["median"] = ordered[s // 2] if s % 2 else (ordered[s // 2 - 1] + ordered[s // 2]) / 2
    if s < 2:
        return out
    p2 = sum((t - mean) ** 2 for t in totals)
    p3 = sum((t - mean) ** 3 for t in totals)
    p4 = sum((t - mean) ** 4 for t in totals)
    out["sd"] = math.sqrt(p2 / (s - 1))
    if s < 3:
        return out
    m2, m3, m4 = p2 / s, p3 / s, p4 / s
    k2 = s * m2 / (s - 1)
    k3 = s * s * m3 / ((s - 1) * (s - 2))
    if k2 == 0:
        return out
    out["skewness"] = k3 / k2 ** 1.5
    if s > 3:
        k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
        out["kurtosis"] = k4 / k2 ** 2
    p = len(item_variances)
    if p > 1:
        out["cic"] = 100 * p / (p - 1) * (1 - sum(item_variances) / k2)
        out["error_ratio"] = 100 * math.sqrt(1 - out["cic"] / 100)
        out["standard_error"] = out["error_ratio"] * out["sd"] / 100
    return out


def moodle_question(marks: list[float], totals: list[float], max_mark: float) -> dict:
    """Moodle's question statistics (core_question calculator.php) for one question: marks
    and the attempts' totals (same unit), one per attempt that had it."""
    s = len(marks)
    others = [t - m for t, m in zip(totals, marks, strict=True)]
    out = {"facility": 100 * sum(marks) / s / max_mark, "sd": None, "discrimination_index": None,
           "discriminative_efficiency": None, "variance": None}
    if s < 2:
        return out
    mx, my = sum(marks) / s, sum(others) / s
    vx = sum((x - mx) ** 2 for x in marks) / (s - 1)
    vy = sum((y - my) ** 2 for y in others) / (s - 1)
    cov = sum((x - mx) * (y - my) for x, y in zip(marks, others, strict=True)) / (s - 1)
    cov_max = sum((x - mx) * (y - my) for x, y in zip(sorted(marks), sorted(others), strict=True)) / (s - 1)
    out["variance"] = vx
    out["sd"] = 100 * math.sqrt(vx) / max_mark
    if vx * vy:
        out["discrimination_index"] = 100 * cov / math.sqrt(vx * vy)
    if cov_max:
        out["discriminative_efficiency"] = 100 * cov / cov_max
    return out


def close(actual, expected, tolerance: float = 1e-3) -> bool:
    if expected is None or actual is None:
        return actual is None and expected is None
    return abs(actual - expected) <= tolerance
