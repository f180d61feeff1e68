"""Attendance records: members checking in with a scanned code, staff marking by hand.

A member checks in once per session (a unique constraint; a concurrent second check-in is
409 already_checked_in through the savepoint helper, never a 500). The status is decided
by when the code was scanned: `late` after the session's start plus its late minutes,
`present` before. Staff may set any status by hand, with a note; each change is audited.

The attendance list has every member of the class: one with no record is `absent` once
the session has ended, and has no status (None, "not recorded yet") before that.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..auth.models import User
from ..core.audit import audit
from ..core.database import add_or_get, savepoint
from ..core.errors import DomainError
from ..extensions import db
from .checkin_codes import CodeExpired, window_open
from .models import ATTENDANCE_STATUSES, AttendanceRecord, ClassSession, Membership, SchoolClass
from .services import class_role, ensure_writable

NOTE_MAX = 500


class NotInClass(DomainError):
    status, code = 403, "not_in_class"


class AlreadyCheckedIn(DomainError):
    status, code = 409, "already_checked_in"


class AttendanceError(DomainError):
    status, code = 422, "invalid_attendance"


class NoSuchMember(DomainError):
    status, code = 404, "not_found"


def status_for(session: ClassSession, scanned_at: datetime) -> str:
    late_from = session.starts_at.timestamp() + session.late_after_minutes * 60
    return "late" if scanned_at.timestamp() > late_from else "present"


def _record(session_id: int, user_id: int) -> AttendanceRecord | None:
    return db.session.scalar(select(AttendanceRecord).where(
        AttendanceRecord.session_id == session_id, AttendanceRecord.user_id == user_id))


def _already(record: AttendanceRecord | None) -> AlreadyCheckedIn:
    if record is not None and record.method == "manual":
        return AlreadyCheckedIn(_l("Your attendance at this session is already recorded."))
    return AlreadyCheckedIn(_l("You have already checked in to this session."))


def ensure_can_check_in(user, school_class: SchoolClass, session: ClassSession) -> None:
    """The reasons a scan is refused before anything is written (the check-in page asks too)."""
    if class_role(user.id, school_class.id) != "member":
        raise NotInClass(_l("Only members of this class check in to its sessions."))
    ensure_writable(school_class)
    existing = _record(session.id, user.id)
    if existing is not None:
        raise _already(existing)


def check_in(user, school_class: SchoolClass, session: ClassSession, scanned_at: datetime) -> AttendanceRecord:
    """Mark `user` present or late at `session`, scanned at `scanned_at` (a code valid then)."""
    ensure_can_check_in(user, school_class, session)
    if not window_open(session.starts_at, session.ends_at, scanned_at):
        raise CodeExpired(_l("Check-in for this session is closed."))
    record = AttendanceRecord(session_id=session.id, user_id=user.id, status=status_for(session, scanned_at),
                              method="qr", checked_in_at=scanned_at)
    with savepoint(db.session, _already(None)):  # two taps at once: the second is a 409
        db.session.add(record)
        db.session.flush()
    return record


def mark(actor, school_class: SchoolClass, session: ClassSession, username: str, status: str,
         note: str | None = None) -> AttendanceRecord:
    """Staff set a member's status by hand (present, late, excused, absent) with a note."""
    ensure_writable(school_class)
    if status not in ATTENDANCE_STATUSES:
        raise AttendanceError(_l("The status is one of present, late, excused, absent."))
    if note is not None and (not isinstance(note, str) or len(note) > NOTE_MAX):
        raise AttendanceError(_l("The note is at most %(n)d characters.", n=NOTE_MAX))
    note = note.strip() or None if note else None
    member = db.session.scalar(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.class_id == school_class.id, Membership.role == "member",
               User.username == (username or "").strip().lower()))
    if member is None:
        raise NoSuchMember(_l("No member %(name)s in this class.", name=str(username)[:64]))
    record = _record(session.id, member.id)
    old = (record.status, record.method) if record else (None, None)
    if record is None:
        record, _created = add_or_get(
            db.session,
            AttendanceRecord(session_id=session.id, user_id=member.id, status=status, method="manual"),
            lambda: _record(session.id, member.id))
    record.status, record.method, record.note, record.marked_by_id = status, "manual", note, actor.id
    audit(actor, "attendance.mark", session, username=member.username, old_status=old[0],
          old_method=old[1], status=status, note=note)
    db.session.flush()
    return record


@dataclass
class AttendanceRow:
    username: str
    display_name: str
    student_no: str | None
    department: str | None
    status: str | None  # None: nothing recorded and the session has not ended
    recorded: bool
    checked_in_at: datetime | None
    method: str | None
    note: str | None


def attendance_rows(session: ClassSession, now: datetime) -> list[AttendanceRow]:
    """Every member of the session's class with their record, by username: one query."""
    rows = db.session.execute(
        select(User.username, User.display_name, Membership.student_no, Membership.department,
               AttendanceRecord.status, AttendanceRecord.checked_in_at, AttendanceRecord.method,
               AttendanceRecord.note)
        .join(Membership, Membership.user_id == User.id)
        .outerjoin(AttendanceRecord, (AttendanceRecord.user_id == User.id)
                   & (AttendanceRecord.session_id == session.id))
        .where(Membership.class_id == session.class_id, Membership.role == "member")
        .order_by(User.username)).all()
    ended = now > session.ends_at
    return [AttendanceRow(username, name, number, department,
                          status or ("absent" if ended else None), status is not None,
                          checked_in_at, method, note)
            for username, name, number, department, status, checked_in_at, method, note in rows]
