"""Helpers for the assignment tests (tests/grading/assignments/)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from learnhub.core.audit import AuditEntry
from learnhub.core.notifications import Notification
from learnhub.extensions import db
from learnhub.grading.assignments import services as rules
from learnhub.grading.assignments.models import Assignment, Submission
from learnhub.grading.assignments.submissions import save_submission


def make_assignment(school, clock, **fields) -> Assignment:
    """An assignment of the school's class, due in a day, 100 points, at least 10 characters."""
    values = {"title": "学习心得", "instructions": "写一篇**心得体会**。", "kind": "reflection",
              "due_at": clock.now + timedelta(days=1), "max_points": 100, "min_length": 10}
    values.update(fields)
    hold = values.pop("hold_results", False)
    assignment = rules.create_assignment(school.head, school.school_class, values.pop("title"),
                                         values.pop("instructions"), values.pop("kind"), values.pop("due_at"),
                                         values.pop("max_points"), values.pop("min_length"), hold)
    db.session.commit()
    return assignment


def submit(school, assignment, member=None, body="这是我的学习心得体会，共二十个字以上的内容。") -> Submission:
    submission = save_submission(member or school.members[0], school.school_class, assignment, body, True)
    db.session.commit()
    return submission


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def notifications_of(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                              Notification.kind == "submission_graded")))


def audits(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


BODY = "这是我的学习心得体会，共二十个字以上的内容。"


def matrix_assignments(head, member, school_class) -> dict:
    """The authorization matrix's assignments: {assignment} with the member's submitted text
    {submission} (version 2), and {assignment_empty} that nobody has written to (to delete)."""
    from datetime import datetime, timezone

    due = datetime(2100, 1, 1, tzinfo=timezone.utc)
    assignment = rules.create_assignment(head, school_class, "Matrix reflection", "Write.", "reflection", due, 10)
    empty = rules.create_assignment(head, school_class, "Matrix report", "", "report", due, 10)
    submission = save_submission(member, school_class, assignment, BODY, True)
    db.session.commit()
    return {"assignment": assignment.id, "assignment_empty": empty.id, "submission": submission.id}
