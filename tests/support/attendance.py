"""Attendance in tests: the records written, the code a session shows now, a posted check-in."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from sqlalchemy import select

from learnhub.classes.attendance.codes import code_for
from learnhub.classes.attendance.models import AttendanceRecord

from .web import CSRF_INPUT


def records(db, session_id=None):
    statement = select(AttendanceRecord)
    if session_id is not None:
        statement = statement.where(AttendanceRecord.session_id == session_id)
    return db.session.scalars(statement).all()


def current_code(app, session_id, at=None):
    with app.test_request_context():
        return code_for(session_id, at or datetime.now(timezone.utc)).code


def form_ticket(html: str) -> str:
    match = re.search(r'name="ticket"[^>]*value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def post_checkin(client, page_html: str):
    """Send the check-in page's form (its CSRF token and scan ticket)."""
    token = CSRF_INPUT.search(page_html).group(1)
    return client.post("/checkin", data={"csrf_token": token, "ticket": form_ticket(page_html)})
