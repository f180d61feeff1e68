"""Shared pieces of the attendance tests: a class with a running session, API clients, codes."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from learnhub.classes.attendance import sessions as attendance
from learnhub.classes.attendance.codes import code_for
from learnhub.classes.attendance.models import AttendanceRecord

from .conftest import csrf_from, login


def api_client(app, user):
    client = app.test_client()
    assert login(client, user.username).status_code == 302
    client.csrf = csrf_from(client, "/account")
    client.api = lambda method, path, json=None: client.open(path, method=method, json=json,
                                                             headers={"X-CSRFToken": client.csrf})
    return client


@pytest.fixture
def school(app, db, make_user, make_class, clock):
    """A class (head teacher, grader, two members) with a session that started 5 minutes ago."""
    members = [make_user(f"member{i}") for i in (1, 2)]
    grader = make_user("grader", role="instructor")
    school_class = make_class(members=members, graders=[grader])
    session = attendance.create_session(school_class.head, school_class, "Lecture 1", "lecture",
                                        clock.now - timedelta(minutes=5), clock.now + timedelta(hours=1),
                                        place="Room 101", late_after_minutes=10)
    db.session.commit()

    class School:
        pass

    school = School()
    school.school_class, school.session, school.members, school.grader = school_class, session, members, grader
    school.head = school_class.head
    return school


def records(db, session_id=None):
    statement = select(AttendanceRecord)
    if session_id is not None:
        statement = statement.where(AttendanceRecord.session_id == session_id)
    return db.session.scalars(statement).all()


def current_code(app, session_id, at=None):
    with app.test_request_context():
        return code_for(session_id, at or datetime.now(timezone.utc)).code
