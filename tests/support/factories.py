"""Rows for tests. Users, classes and attempts come from conftest's fixtures (`make_user`,
`make_class`, `make_attempt`); these functions add what a class holds: enrolments, sessions,
announcements, scheduled exams. Service-made rows go through the feature's service (its rules
apply); `add_*` writes a bare row for data a test needs in a state the service would refuse."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from learnhub.classes.announcements.services import post_announcement
from learnhub.classes.attendance.models import ClassSession
from learnhub.classes.attendance.sessions import create_session
from learnhub.classes.exams.models import ClassExam
from learnhub.classes.models import Membership
from learnhub.extensions import db


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def enrol(school_class, user, role: str = "member") -> Membership:
    row = Membership(class_id=school_class.id, user_id=user.id, role=role)
    db.session.add(row)
    return row


def start_session(school_class, title: str, starts_at, ends_at, **fields) -> ClassSession:
    """A lecture created by the class's head teacher (`make_class` sets `.head`)."""
    return create_session(school_class.head, school_class, title, fields.pop("kind", "lecture"),
                          starts_at, ends_at, **fields)


def add_session(school_class, title: str, starts_at, hours: float = 1) -> ClassSession:
    row = ClassSession(class_id=school_class.id, title=title, kind="lecture", starts_at=starts_at,
                       ends_at=starts_at + timedelta(hours=hours), place="Room 101")
    db.session.add(row)
    return row


def announce(school_class, title: str, body: str = "", pinned: bool = False):
    """An announcement posted by the class's head teacher."""
    return post_announcement(school_class.head, school_class, title, body, pinned=pinned)


def add_exam(school_class, quiz_id: int, opens_at, closes_at) -> ClassExam:
    row = ClassExam(class_id=school_class.id, quiz_id=quiz_id, opens_at=opens_at, closes_at=closes_at)
    db.session.add(row)
    db.session.flush()
    return row
