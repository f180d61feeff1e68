"""A member who scans the check-in code logged out is sent through the login page (and, on a
first login, the new-password page) with the scan ticket in `next`: those pages say what
the scan checks in to, through the `login_destination` panel slot they declare."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask import render_template, url_for

from ...core.types import utcnow
from .. import services
from . import sessions
from .codes import ticket_session


def scanned_session(next_url: str | None, now):
    """(session, class) of a check-in link `/checkin?t=<ticket>` whose ticket is genuine and
    unexpired, or None (any other destination, a forged or stale ticket)."""
    if not next_url:
        return None
    parts = urlsplit(next_url)
    tickets = parse_qs(parts.query).get("t")
    if parts.path != url_for("attendance.checkin_page") or not tickets:
        return None
    session_id = ticket_session(tickets[0], now)
    session = sessions.get_session(session_id) if session_id is not None else None
    school_class = services.get_class(session.class_id) if session is not None else None
    return (session, school_class) if school_class is not None else None


def destination_panel(next_url: str | None = None, **_context) -> str | None:
    scanned = scanned_session(next_url, utcnow())
    if scanned is None:
        return None
    session, school_class = scanned
    return render_template("classes/checkin_destination.html", session=session, school_class=school_class)
