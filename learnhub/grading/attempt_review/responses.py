"""The exam-wide "all responses" table (Questionnaire Star's 下载答卷数据): one row per finished
attempt under a class exam, one column per question, each response in words. Three queries
for the whole exam (attempts with their members, their questions, their answers)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...auth.models import User
from ...classes.exams.models import ClassExam
from ...classes.exams.services import exam_key
from ...classes.models import Membership, SchoolClass
from ...core.times import zone_label
from ...extensions import db
from ...quizzes.grading import question_of
from ...quizzes.models import Answer, Attempt
from ...quizzes.types import render_text
from .presenters import in_words, plain


@dataclass
class ResponsesTable:
    header: list
    rows: list[list]


def _column_key(question) -> str:
    """The same question in every member's paper (draws and shuffles differ): its title, or its text."""
    return question.title or question.text


def exam_responses(school_class: SchoolClass, exam: ClassExam, local) -> ResponsesTable:
    """`local(moment) -> str` writes a time in the reader's zone."""
    attempts = db.session.execute(
        select(Attempt, User, Membership.student_no)
        .join(User, User.id == Attempt.user_id)
        .outerjoin(Membership, (Membership.user_id == Attempt.user_id) & (Membership.class_id == school_class.id))
        .where(Attempt.quiz_id == exam.quiz_id, Attempt.schedule_key == exam_key(exam),
               Attempt.state != "in_progress", Attempt.reset_at.is_(None))
        .options(selectinload(Attempt.questions))
        .order_by(Membership.student_no, User.username, Attempt.number)).all()
    ids = [attempt.id for attempt, _user, _no in attempts]
    answers = {a.attempt_question_id: a for a in db.session.scalars(
        select(Answer).where(Answer.attempt_id.in_(ids)))} if ids else {}
    columns: dict[str, str] = {}          # key -> the column's heading, in the order first met
    lines = []
    for attempt, user, student_no in attempts:
        cells = {}
        for attempt_question in attempt.questions:
            question = question_of(attempt_question)
            if question.type == "description":
                continue
            key = _column_key(question)
            if key not in columns:
                columns[key] = question.title or plain(render_text(question.text, question.text_format))
            answer = answers.get(attempt_question.id)
            cells[key] = in_words(question, attempt_question.layout, answer.response if answer else None)
        lines.append(([student_no, user.display_name, user.username, attempt.number, local(attempt.submitted_at),
                       attempt.score, attempt.max_score, attempt.percent], cells))
    header = [_("Student number"), _("Name"), _("Username"), _("Attempt"),
              _("Submitted at (%(zone)s)", zone=zone_label()), _("Score"), _("Maximum"), _("Percent")]
    header += list(columns.values())
    rows = [fixed + [cells.get(key) or None for key in columns] for fixed, cells in lines]
    return ResponsesTable(header, rows)

