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
    return {"assignment": assignment.id, "assignment_empty": empty.id, "assignment_submission": submission.id}


def a11y_assignments(app) -> dict:
    """The accessibility audit's assignments (tests/support/a11y_site.py): in the class A11Y-2026,
    {assignment} with the member's draft (the writing page) and {assignment_graded} whose
    submission {submission} is graded with a comment, visible to the member."""
    from datetime import datetime, timedelta, timezone

    from learnhub.auth.models import User
    from learnhub.classes.models import SchoolClass

    with app.app_context():
        head = db.session.scalar(select(User).where(User.username == "staffer"))
        member = db.session.scalar(select(User).where(User.username == "learner"))
        school_class = db.session.scalar(select(SchoolClass).where(SchoolClass.code == "A11Y-2026"))
        now = datetime.now(timezone.utc)
        writing = rules.create_assignment(head, school_class, "学习党章心得体会", "结合**本周学习**，谈谈体会。",
                                          "reflection", now + timedelta(days=7), 100, 300)
        graded = rules.create_assignment(head, school_class, "第一次思想汇报", "按要求撰写思想汇报。", "report",
                                         now - timedelta(days=1), 20, 10)
        save_submission(member, school_class, writing, "今天学习了党章，", False)
        submission = save_submission(member, school_class, graded, BODY, True)
        db.session.flush()
        rules.grade_submission(head, submission.id, 18, "**写得认真**，注意联系实际。", submission.version)
        db.session.commit()
        return {"assignment": writing.id, "assignment_graded": graded.id, "assignment_submission": submission.id}
