"""The grading queue of a class: quiz answers that wait for a grader (essays, questions set for
manual review) in attempts made under the class's exams, plus registered sources
(assignments' submissions). Grouped by quiz and question; one question is graded across
all attempts in an order random per grader and session (blind grading)."""
from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from ...auth.models import User
from ...classes.exams.models import ClassExam
from ...classes.exams.services import exam_for_key, exam_key
from ...classes.models import SchoolClass
from ...classes.services import ensure_writable
from ...core.markdown import render_member_markdown
from ...extensions import db
from ...quizzes.grading import question_of
from ...quizzes.models import Answer, Attempt, AttemptQuestion
from ...quizzes.types import render_text
from .items import QueueItem

QueueSource = Callable[[object], list[QueueItem]]

_EXTENSION_KEY = "grading_queue_sources"
BATCH = 10  # "grade the next 10"


def register_queue_source(app, source: QueueSource) -> None:
    """Add a source of queue items: `source(school_class) -> list[QueueItem]` (call in init_app)."""
    app.extensions.setdefault(_EXTENSION_KEY, []).append(source)


def queue_sources(app) -> list[QueueSource]:
    return list(app.extensions.get(_EXTENSION_KEY, []))


# ---- quiz answers ------------------------------------------------------------------------------

def question_group_key(quiz_id: int, snapshot: dict) -> str:
    """The same question across attempts (drawn at any position): its quiz and its text."""
    digest = hashlib.sha256(f"{snapshot.get('title') or ''}\n{snapshot.get('text') or ''}".encode()).hexdigest()
    return f"q{quiz_id}-{digest[:12]}"


def question_title(snapshot: dict) -> str:
    title = (snapshot.get("title") or "").strip()
    if title:
        return title
    text = " ".join((snapshot.get("text") or "").split())
    return text if len(text) <= 60 else text[:59] + "…"


def response_text(response) -> str:
    if response is None:
        return ""
    if isinstance(response, str):
        return response
    if isinstance(response, list):
        return ", ".join(str(part) for part in response)
    return str(response)


def class_exam_keys(school_class) -> list[str]:
    return [exam_key(exam) for exam in db.session.scalars(
        select(ClassExam).where(ClassExam.class_id == school_class.id))]


def ensure_attempt_writable(attempt) -> None:
    """409 class_archived: an attempt made under an archived class's exam keeps its grades."""
    exam = exam_for_key(attempt.schedule_key)
    if exam is not None:
        ensure_writable(db.session.get(SchoolClass, exam.class_id))


def pending_answers(school_class) -> list[QueueItem]:
    """Every answer without points in a finished, not reset attempt made under one of the
    class's exams (one query)."""
    keys = class_exam_keys(school_class)
    if not keys:
        return []
    rows = db.session.execute(
        select(Answer, AttemptQuestion, Attempt, User)
        .join(AttemptQuestion, AttemptQuestion.id == Answer.attempt_question_id)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .join(User, User.id == Attempt.user_id)
        .where(Attempt.schedule_key.in_(keys), Attempt.state != "in_progress", Attempt.reset_at.is_(None),
               Answer.fraction.is_(None))
        .order_by(Answer.id)).all()
    items = []
    for answer, attempt_question, attempt, user in rows:
        question = question_of(attempt_question)
        if question.type == "description":
            continue
        items.append(QueueItem(
            kind="answer", id=answer.id, group_key=question_group_key(attempt.quiz_id, attempt_question.snapshot),
            group_title=attempt.settings.get("title") or "", question_title=question_title(attempt_question.snapshot),
            question_html=render_text(question.text, question.text_format),
            response=response_text(answer.response), max_points=attempt_question.points, version=answer.version,
            user_id=user.id, username=user.username, display_name=user.display_name,
            submitted_at=attempt.submitted_at))
    return items


def class_queue(school_class) -> list[QueueItem]:
    """What waits for the class's graders: its exams' answers, then every registered source's items."""
    items = pending_answers(school_class)
    for source in queue_sources(current_app):
        items.extend(source(school_class))
    return items


def response_html(item: QueueItem) -> str:
    """What the member wrote (an answer or a submission): shown through the member-text renderer."""
    return render_member_markdown(item.response)


@dataclass
class Group:
    key: str
    group_title: str
    question_title: str
    count: int


def queue_groups(items: list[QueueItem]) -> list[Group]:
    groups: dict[str, Group] = {}
    for item in items:
        group = groups.get(item.group_key)
        if group is None:
            groups[item.group_key] = Group(item.group_key, item.group_title, item.question_title, 1)
        else:
            group.count += 1
    return sorted(groups.values(), key=lambda g: (g.group_title, g.question_title, g.key))


def shuffled_group(items: list[QueueItem], group_key: str, seed: str) -> list[QueueItem]:
    """One group's items in an order random per grader and session (`seed`), stable across
    reloads, so graders do not all start with the same member."""
    chosen = sorted((i for i in items if i.group_key == group_key), key=lambda i: (i.kind, i.id))
    random.Random(f"{seed}:{group_key}").shuffle(chosen)
    return chosen
