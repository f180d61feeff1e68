"""The class's grading queue: submitted (not yet graded) texts of its assignments, one
QueueItem each (grading.marking shows them; its grade form posts to assignments.grade,
POST /submissions/<id>/grade with points, comment, version and an optional `next`)."""
from __future__ import annotations

from sqlalchemy import select

from ...auth.models import User
from ...core.markdown import render_staff_markdown
from ...extensions import db
from ..marking.items import QueueItem
from .models import Assignment, Submission


def pending_submissions(school_class) -> list[QueueItem]:
    """Submitted texts waiting for a grade, by assignment (due time) then submission time:
    one query."""
    rows = db.session.execute(
        select(Submission, Assignment, User.username, User.display_name)
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .join(User, User.id == Submission.user_id)
        .where(Assignment.class_id == school_class.id, Submission.state == "submitted")
        .order_by(Assignment.due_at, Assignment.id, Submission.submitted_at, Submission.id)).all()
    return [QueueItem(kind="submission", id=s.id, group_key=f"a{a.id}", group_title=a.title,
                      question_title=a.title, question_html=render_staff_markdown(a.instructions or ""),
                      response=s.body or "", max_points=a.max_points,
                      version=s.version, user_id=s.user_id, username=username, display_name=display_name,
                      submitted_at=s.submitted_at)
            for s, a, username, display_name in rows]
