"""Attendance records: members checking in with a scanned code, staff marking by hand.

A member checks in once per session: one read (the session, the class's status, the member's
role and record: `checkin_target`) and one INSERT ... ON CONFLICT DO NOTHING on the unique
(session, member), so a concurrent second check-in inserts nothing and is 409
already_checked_in, never a 500; no ORM object is loaded on the way. The status is decided
by when the code was scanned: `late` after the session's start plus its late minutes,
`present` before. Staff may set any status by hand, with a note; each change is audited.

The attendance list has every member of the class: one with no record is `absent` once
the session has ended, and has no status (None, "not recorded yet") before that.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from ...auth.models import User
from ...core.audit import audit
from ...core.database import add_or_get
from ...core.errors import DomainError
from ...core.pagination import Key, Page, paginate
from ...core.permissions import allowed
from ...core.types import UTCDateTime, utcnow
from ...extensions import db
from ..models import Membership, SchoolClass
from ..services import ensure_writable
from .codes import CodeExpired, TicketUsed, check_short_code, nonce_digest, window_open
from .models import ATTENDANCE_STATUSES, AttendanceRecord, ClassSession

NOTE_MAX = 500
MARKS_MAX = 500  # a class is at most a few hundred members


class NotInClass(DomainError):
    status, code = 403, "not_in_class"


class AlreadyCheckedIn(DomainError):
    status, code = 409, "already_checked_in"


class AttendanceError(DomainError):
    status, code = 422, "invalid_attendance"


class NoSuchMember(DomainError):
    status, code = 404, "not_found"


def status_for(session, scanned_at: datetime) -> str:
    """`late` after the session's start plus its late minutes, `present` before (a session
    or a CheckinTarget)."""
    late_from = session.starts_at.timestamp() + session.late_after_minutes * 60
    return "late" if scanned_at.timestamp() > late_from else "present"


def _record(session_id: int, user_id: int) -> AttendanceRecord | None:
    return db.session.scalar(select(AttendanceRecord).where(
        AttendanceRecord.session_id == session_id, AttendanceRecord.user_id == user_id))


def _already(method: str | None) -> AlreadyCheckedIn:
    if method == "manual":
        return AlreadyCheckedIn(_l("Your attendance at this session is already recorded."))
    return AlreadyCheckedIn(_l("You have already checked in to this session."))


# ---- checking in (the hot path: one read, one guarded insert, no ORM object) ----------------

@dataclass(frozen=True, slots=True)
class CheckinTarget:
    """A session as a check-in needs it (the API shows it as the session), with its class's
    status, the caller's role in the class and the method of their record, read together."""

    id: int
    class_id: int
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    place: str | None
    meeting_url: str | None
    late_after_minutes: int
    class_status: str
    role: str | None  # the caller's class role; None: no part in the class
    recorded_method: str | None  # the caller's record at the session (qr, manual); None: none yet

    @property
    def read_only(self) -> bool:  # the class's (SchoolClass.read_only)
        return self.class_status == "archived"


@dataclass(frozen=True, slots=True)
class CheckedIn:
    id: int
    status: str  # present, late
    checked_in_at: datetime


@lru_cache(maxsize=1)
def _target_statement():
    user = bindparam("user_id")
    return (select(ClassSession.id, ClassSession.class_id, ClassSession.title, ClassSession.kind,
                   ClassSession.starts_at, ClassSession.ends_at, ClassSession.place, ClassSession.meeting_url,
                   ClassSession.late_after_minutes, SchoolClass.status, Membership.role, AttendanceRecord.method)
            .join(SchoolClass, SchoolClass.id == ClassSession.class_id)
            .outerjoin(Membership, (Membership.class_id == ClassSession.class_id) & (Membership.user_id == user))
            .outerjoin(AttendanceRecord, (AttendanceRecord.session_id == ClassSession.id)
                       & (AttendanceRecord.user_id == user))
            .where(ClassSession.id == bindparam("session_id")))


@lru_cache(maxsize=4)
def _insert_statement(dialect: str):
    """The check-in itself: a second one for the member and session (two taps at once, two
    workers) inserts nothing and returns no row."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return (insert(AttendanceRecord)
            .values(session_id=bindparam("session_id"), user_id=bindparam("user_id"), status=bindparam("status"),
                    method="qr", checked_in_at=bindparam("at", type_=UTCDateTime),
                    scan_nonce=bindparam("nonce"), updated_at=bindparam("now", type_=UTCDateTime))
            .on_conflict_do_nothing(index_elements=[AttendanceRecord.session_id, AttendanceRecord.user_id])
            .returning(AttendanceRecord.id))


def checkin_target(session_id: int, user_id: int) -> CheckinTarget | None:
    """The session `session_id` as `user_id` checks in to it (None: no such session): one
    statement."""
    row = db.session.connection().execute(_target_statement(), {"session_id": session_id, "user_id": user_id})
    found = row.first()
    return CheckinTarget(*found) if found is not None else None


def may_view(user, target: CheckinTarget) -> bool:
    """classes' `class.view` rule from the row read already: a part in the class, or `class.any`."""
    return target.role is not None or allowed(user, "class.any")


def ensure_can_check_in(target: CheckinTarget) -> None:
    """The reasons a check-in is refused before anything is written (the check-in page asks
    too): 403 not_in_class, 409 class_archived, 409 already_checked_in."""
    if target.role != "member":
        raise NotInClass(_l("Only members of this class check in to its sessions."))
    ensure_writable(target)  # 409 class_archived (the target has the class's read_only)
    if target.recorded_method is not None:
        raise _already(target.recorded_method)


def check_in_typed(user, target: CheckinTarget, short_code: object, now: datetime) -> CheckedIn:
    """Check in with the 6 digits shown beside the QR code, typed on the phone at `now`."""
    ensure_can_check_in(target)
    if not window_open(target.starts_at, target.ends_at, now):
        raise CodeExpired(_l("Check-in for this session is closed."))
    check_short_code(target.id, short_code, now)
    return check_in(user, target, now)


def check_in(user, target: CheckinTarget, scanned_at: datetime, nonce: str | None = None) -> CheckedIn:
    """Mark `user` present or late at the target's session, scanned at `scanned_at` (a code
    valid then), in one INSERT; `nonce`: the scanning browser's (the page's scan ticket),
    which checks in one person per session (409 ticket_used for a second one). Flushes
    nothing else; the caller commits."""
    ensure_can_check_in(target)
    if not window_open(target.starts_at, target.ends_at, scanned_at):
        raise CodeExpired(_l("Check-in for this session is closed."))
    status = status_for(target, scanned_at)
    connection = db.session.connection()
    try:
        inserted = connection.execute(_insert_statement(connection.dialect.name), {
            "session_id": target.id, "user_id": user.id, "status": status, "at": scanned_at,
            "nonce": nonce_digest(nonce) if nonce else None, "now": utcnow()}).first()
    except IntegrityError as error:  # another browser's check-in holds this nonce (or the row left)
        raise (ticket_used() if nonce else _already(None)) from error
    if inserted is None:  # a check-in of the same member that committed after our read
        raise _already(None)
    return CheckedIn(inserted[0], status, scanned_at)


def _checked_mark(status, note) -> tuple[str, str | None]:
    """(status, note) of a manual mark, or 422 invalid_attendance."""
    if status not in ATTENDANCE_STATUSES:
        raise AttendanceError(_l("The status is one of present, late, excused, absent."))
    if note is not None and (not isinstance(note, str) or len(note) > NOTE_MAX):
        raise AttendanceError(_l("The note is at most %(n)d characters.", n=NOTE_MAX))
    return status, (note.strip() or None if note else None)


def _username(value) -> str:
    return value.strip().lower() if isinstance(value, str) else ""


def _members(school_class: SchoolClass, usernames: list[str]) -> dict[str, User]:
    """{username: user} of the class's members among `usernames`, in one query."""
    return {user.username: user for user in db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.class_id == school_class.id, Membership.role == "member",
               User.username.in_(usernames)))}


def _apply_mark(actor, session: ClassSession, member: User, status: str, note: str | None,
                record: AttendanceRecord | None, **audit_data) -> AttendanceRecord:
    old = (record.status, record.method) if record else (None, None)
    if record is None:
        record, _created = add_or_get(
            db.session,
            AttendanceRecord(session_id=session.id, user_id=member.id, status=status, method="manual"),
            lambda: _record(session.id, member.id))
    record.status, record.method, record.note, record.marked_by_id = status, "manual", note, actor.id
    audit(actor, "attendance.mark", session, username=member.username, old_status=old[0],
          old_method=old[1], status=status, note=note, **audit_data)
    return record


def mark(actor, school_class: SchoolClass, session: ClassSession, username: str, status: str,
         note: str | None = None) -> AttendanceRecord:
    """Staff set a member's status by hand (present, late, excused, absent) with a note."""
    ensure_writable(school_class)
    status, note = _checked_mark(status, note)
    member = _members(school_class, [_username(username)]).get(_username(username))
    if member is None:
        raise NoSuchMember(_l("No member %(name)s in this class.", name=str(username)[:64]))
    record = _apply_mark(actor, session, member, status, note, _record(session.id, member.id))
    db.session.flush()
    return record


class MarksError(DomainError):
    """A batch of marks refused as a whole; `fields` names each mark at fault."""

    status, code = 422, "invalid_field"

    def __init__(self, fields: dict[str, str]):
        first = next(iter(fields))
        super().__init__(_l("%(field)s: %(message)s", field=first, message=fields[first]))
        self.fields = fields


MARK_KEYS = frozenset({"username", "status", "note"})


def mark_many(actor, school_class: SchoolClass, session: ClassSession, marks: object) -> int:
    """Apply many manual marks ([{"username", "status", "note"?}]) all or nothing: every mark
    is checked before anything is written, and one bad mark (an unknown username, a bad
    status, a name twice) refuses the batch (422 naming each bad mark). Each mark is audited
    as a single manual mark is. Returns how many marks were applied."""
    ensure_writable(school_class)
    if not isinstance(marks, list) or not 1 <= len(marks) <= MARKS_MAX:
        raise MarksError({"marks": str(_l("A list of 1 to %(n)d marks.", n=MARKS_MAX))})
    fields: dict[str, str] = {}
    checked: list[tuple[str, str, str | None]] = []
    seen: set[str] = set()
    for index, item in enumerate(marks):
        where = f"marks[{index}]"
        if not isinstance(item, dict) or "username" not in item or "status" not in item \
                or not set(item) <= MARK_KEYS:
            fields[where] = str(_l("Each mark is {\"username\", \"status\", \"note\"?}."))
            continue
        name = _username(item["username"])
        try:
            status, note = _checked_mark(item["status"], item.get("note"))
        except AttendanceError as error:
            fields[where] = error.message
            continue
        if not name:
            fields[f"{where}.username"] = str(_l("A username is required."))
        elif name in seen:
            fields[f"{where}.username"] = str(_l("%(name)s is marked twice.", name=name[:64]))
        else:
            seen.add(name)
            checked.append((name, status, note))
    members = _members(school_class, [name for name, _s, _n in checked])
    for index, item in enumerate(marks):
        name = _username(item.get("username")) if isinstance(item, dict) else ""
        if name and f"marks[{index}]" not in fields and name not in members:
            fields.setdefault(f"marks[{index}].username",
                              str(_l("No member %(name)s in this class.", name=name[:64])))
    if fields:
        raise MarksError(fields)
    existing = {record.user_id: record for record in db.session.scalars(
        select(AttendanceRecord).where(AttendanceRecord.session_id == session.id,
                                       AttendanceRecord.user_id.in_([m.id for m in members.values()])))}
    for name, status, note in checked:
        member = members[name]
        _apply_mark(actor, session, member, status, note, existing.get(member.id), batch=len(checked))
    db.session.flush()
    return len(checked)


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


# Members by username (unique), for the pages and the API's keyset pages (core.pagination).
ROSTER_ORDER = (Key(User.username),)


def _attendance_statement(session: ClassSession):
    """Every member of the session's class with their record, unordered: one select."""
    return (select(User.username, User.display_name, Membership.student_no, Membership.department,
                   AttendanceRecord.status, AttendanceRecord.checked_in_at, AttendanceRecord.method,
                   AttendanceRecord.note)
            .join(Membership, Membership.user_id == User.id)
            .outerjoin(AttendanceRecord, (AttendanceRecord.user_id == User.id)
                       & (AttendanceRecord.session_id == session.id))
            .where(Membership.class_id == session.class_id, Membership.role == "member"))


def _attendance_rows(session: ClassSession, rows, now: datetime) -> list[AttendanceRow]:
    ended = now > session.ends_at
    return [AttendanceRow(username, name, number, department,
                          status or ("absent" if ended else None), status is not None,
                          checked_in_at, method, note)
            for username, name, number, department, status, checked_in_at, method, note in rows]


def attendance_rows(session: ClassSession, now: datetime) -> list[AttendanceRow]:
    """Every member of the session's class with their record, by username: one query."""
    rows = db.session.execute(_attendance_statement(session)
                              .order_by(*(key.order_by() for key in ROSTER_ORDER))).all()
    return _attendance_rows(session, rows, now)


def attendance_page(session: ClassSession, now: datetime, limit: int, cursor: str | None) -> Page:
    """One keyset page of `attendance_rows` (400 `invalid_cursor` on a bad cursor)."""
    page = paginate(_attendance_statement(session), ROSTER_ORDER, limit=limit, cursor=cursor)
    page.items = _attendance_rows(session, page.items, now)
    return page


def ticket_used() -> TicketUsed:
    return TicketUsed(_("This browser has already checked someone in to this session: each person checks "
                        "in on their own phone."))


def ensure_unused_nonce(session_id: int, nonce: str) -> None:
    """One browser's scan checks in one person: refuse a nonce that already did so here."""
    used = db.session.scalar(select(AttendanceRecord.id).where(
        AttendanceRecord.session_id == session_id, AttendanceRecord.scan_nonce == nonce_digest(nonce)))
    if used is not None:
        raise ticket_used()
