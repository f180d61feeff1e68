"""/api/v1 attendance: class sessions, rotating check-in codes, check-in, attendance marks."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Optional

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from pydantic import ConfigDict, Field, JsonValue, WithJsonSchema

from ..classes.attendance import checkin, sessions as attendance
from ..classes.attendance.checkin import MARKS_MAX, NOTE_MAX
from ..classes.attendance.codes import InvalidCode, code_for, read_code
from ..classes.attendance.limits import SCOPE as SHORT_CODE_SCOPE, not_a_typed_code, short_code_key, short_code_limit
from ..classes.attendance.loaders import load_session
from ..classes.attendance.models import ATTENDANCE_STATUSES, CHECKIN_METHODS, SESSION_KINDS, ClassSession
from ..classes.attendance.sessions import LATE_MAX, PHASES, PLACE_MAX, TITLE_MAX, URL_MAX
from ..classes.loaders import load_class
from ..classes.services import ensure_writable
from ..core.errors import DomainError, NotFound
from ..core.markdown import render_staff_markdown
from ..core.pagination import page_request
from ..core.types import utcnow
from ..extensions import db, limiter
from . import bp
from .schema import ApiDateTime, Body, Id, Out, Page, PageQuery, declare, text

TAGS = ("attendance",)

# ---- schemas -----------------------------------------------------------------------------------

LateMinutes = Annotated[int, Field(ge=0, le=LATE_MAX, description="a scan after the start plus these "
                                                                  "minutes is late")]


class SessionChange(Body):
    """A session's fields, each optional (PATCH). Unknown fields are refused. The rules across
    fields (ends after it starts, at most 24 hours, an http(s) meeting link) are the service's
    (422 invalid_session), shared with the page's form."""

    model_config = ConfigDict(extra="forbid")

    title: text(TITLE_MAX) = None
    kind: Literal[SESSION_KINDS] = None
    starts_at: ApiDateTime = None
    ends_at: ApiDateTime = None
    place: Optional[text(PLACE_MAX, blank=True)] = None
    meeting_url: Optional[text(URL_MAX, blank=True)] = Field(None, description="http or https only")
    late_after_minutes: LateMinutes = None


class NewSession(SessionChange):
    title: text(TITLE_MAX)
    kind: Literal[SESSION_KINDS]
    starts_at: ApiDateTime
    ends_at: ApiDateTime
    late_after_minutes: LateMinutes = 10


class Session(Out):
    """Session"""

    id: int
    class_id: int
    title: str
    kind: Literal[SESSION_KINDS]
    starts_at: ApiDateTime
    ends_at: ApiDateTime
    place: Optional[str]
    meeting_url: Optional[str]
    late_after_minutes: int
    phase: Literal[PHASES]
    checkin_open: bool
    url: str


class SessionItem(Session):
    present_count: int = Field(description="present or late")
    members_count: int
    my_status: Optional[Literal[ATTENDANCE_STATUSES]] = Field(description="the caller's record (null: none)")


class SessionDetail(Session):
    minutes_html: Optional[str] = Field(description="the meeting's minutes, rendered and sanitised")


class CheckinCode(Out):
    """Code"""

    code: str = Field(description="what the QR code shows; rotates every 15 s, accepted for its step "
                                  "and the next")
    url: str = Field(description="the check-in page's address with the code (the QR code's content)")
    short_code: str = Field(description="6 digits shown beside the QR code, valid as long as `code`")
    expires_at: ApiDateTime
    rotates_at: ApiDateTime
    present_count: int
    members_count: int


# The code is checked by the check-in service (as on the page), so a code of another type is a
# 422 invalid_code like a forged one (API.md), not invalid_field.
ScannedOrTyped = Annotated[JsonValue, WithJsonSchema({
    "type": "string", "maxLength": 64,
    "description": "a scanned code; with `session`, the 6 digits shown beside the QR code, typed"})]


class CheckInBody(Body):
    model_config = ConfigDict(extra="forbid")

    session: Id = Field(None, description="the session whose short code is typed (left out for a scanned code)")
    code: ScannedOrTyped


class CheckedIn(Out):
    """Checked in"""

    session: Session
    status: Literal["present", "late"]
    checked_in_at: ApiDateTime


class AttendanceItem(Out):
    username: str
    display_name: str
    status: Optional[Literal[ATTENDANCE_STATUSES]] = Field(
        description="null: nothing recorded and the session has not ended yet")
    recorded: bool
    checked_in_at: Optional[ApiDateTime]
    method: Optional[Literal[CHECKIN_METHODS]]
    note: Optional[str]


class MarkIn(Body):
    model_config = ConfigDict(extra="forbid")

    status: Literal[ATTENDANCE_STATUSES]
    note: Optional[text(NOTE_MAX, blank=True)] = None


class Marked(Out):
    """Marked"""

    username: str
    status: Literal[ATTENDANCE_STATUSES]
    method: Literal[CHECKIN_METHODS]
    note: Optional[str]
    checked_in_at: Optional[ApiDateTime]


class Mark(MarkIn):
    username: str


# Each mark is checked by checkin.mark_many (shared with the page's form), all marks before any
# is written, naming each bad one as marks[i] or marks[i].username: the list is typed here for
# the document (Mark's schema) and its length, its items are the service's.
Marks = Annotated[list[JsonValue], Field(min_length=1, max_length=MARKS_MAX), WithJsonSchema({
    "type": "array", "minItems": 1, "maxItems": MARKS_MAX, "items": Mark.model_json_schema()})]


class MarksIn(Body):
    model_config = ConfigDict(extra="forbid")

    marks: Marks


class MarkedMany(Out):
    """Marked"""

    updated: int


# ---- sessions ----------------------------------------------------------------------------------

def session_out(session: ClassSession | checkin.CheckinTarget, now: datetime, **more) -> dict:
    return {"id": session.id, "class_id": session.class_id, "title": session.title, "kind": session.kind,
            "starts_at": session.starts_at, "ends_at": session.ends_at, "place": session.place,
            "meeting_url": session.meeting_url, "late_after_minutes": session.late_after_minutes,
            "phase": attendance.phase(session, now), "checkin_open": attendance.checkin_open(session, now),
            "url": url_for("attendance.session_page", session_id=session.id), **more}


@bp.get("/classes/<int:class_id>/sessions")
@declare("A class's sessions in time order, with present and member counts", query=PageQuery,
         responses={200: Page[SessionItem]}, errors=(400, 404), tags=TAGS)
def list_sessions(class_id: int, query: PageQuery):
    school_class = load_class(class_id)
    page = attendance.class_sessions_page(school_class, current_user.id, **page_request())
    now = utcnow()
    page.items = [session_out(row.session, now, present_count=row.present_count,
                              members_count=row.members_count, my_status=row.my_status) for row in page.items]
    return page


@bp.post("/classes/<int:class_id>/sessions")
@declare("Schedule a session (staff of the class)", body=NewSession, responses={201: Session},
         errors=(403, 404, 409), tags=TAGS)
def create_session(class_id: int, body: NewSession):
    school_class = load_class(class_id, "class.staff")
    session = attendance.create_session(current_user, school_class, **dict(body))
    db.session.commit()
    return session_out(session, utcnow()), 201


@bp.get("/sessions/<int:session_id>")
@declare("A session, with its minutes for the class's members and staff", responses={200: SessionDetail},
         errors=(404,), tags=TAGS)
def get_session(session_id: int):
    session, _school_class = load_session(session_id)
    minutes_html = render_staff_markdown(session.minutes) if session.minutes else None
    return session_out(session, utcnow(), minutes_html=minutes_html)


@bp.patch("/sessions/<int:session_id>")
@declare("Change a session (staff of the class)", body=SessionChange, responses={200: Session},
         errors=(403, 404, 409), tags=TAGS)
def update_session(session_id: int, body: SessionChange):
    session, school_class = load_session(session_id, "class.staff")
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    attendance.update_session(current_user, school_class, session, **changes)
    db.session.commit()
    return session_out(session, utcnow())


# ---- codes and check-in ------------------------------------------------------------------------

@bp.get("/sessions/<int:session_id>/code")
@declare("The current rotating check-in code (changes every 15 s; accepted for its step and the next). "
         "409 checkin_closed outside 30 min before the start until the end", responses={200: CheckinCode},
         errors=(403, 404, 409), tags=TAGS)
def get_code(session_id: int):
    session, school_class = load_session(session_id, "class.staff")
    ensure_writable(school_class)
    now = utcnow()
    if not attendance.checkin_open(session, now):
        raise DomainError(409, "checkin_closed", _l("Check-in runs from 30 minutes before the session "
                                                    "starts until it ends."))
    code = code_for(session.id, now)
    return {"code": code.code, "url": url_for("attendance.checkin", c=code.code, _external=True),
            "short_code": code.short_code, "expires_at": code.expires_at, "rotates_at": code.rotates_at,
            "present_count": attendance.present_count(session.id),
            "members_count": attendance.members_count(school_class.id)}


def checkin_limit() -> str:
    return current_app.config.get("CHECKIN_RATE_LIMIT", "20 per minute")


def user_key() -> str:
    """Check-in attempts are counted per account: a class behind one NAT is not one caller."""
    return f"checkin-user:{current_user.id}" if current_user.is_authenticated else "checkin-anonymous"


@bp.post("/checkin")
@limiter.limit(checkin_limit, key_func=user_key)
@limiter.shared_limit(short_code_limit, scope=SHORT_CODE_SCOPE, key_func=short_code_key,
                      exempt_when=not_a_typed_code)
@declare("Check in (a member of the session's class): present or late. {\"code\"} is a scanned code; "
         "{\"session\", \"code\"} the 6-digit short code shown beside it, typed. Typed codes are rate "
         "limited per user and session (default 5 a minute, 15 an hour: 429)", body=CheckInBody,
         responses={200: CheckedIn}, errors=(403, 404, 409, 410, 429), tags=TAGS)
def check_in(body: CheckInBody):
    """The hot path: the code checked in this process (HMAC), then one read and one insert."""
    now = utcnow()
    user = current_user._get_current_object()
    if "session" in body.model_fields_set:
        target = checkin.checkin_target(body.session, user.id)
        if target is None or not checkin.may_view(user, target):  # as load_session: 404 outside the class
            raise NotFound(_l("No session %(id)s.", id=body.session))
        record = checkin.check_in_typed(user, target, body.code, now)
    else:
        target = checkin.checkin_target(read_code(body.code, now), user.id)
        if target is None:  # a genuine code of a session deleted since
            raise InvalidCode(_l("This is not a check-in code of this site."))
        record = checkin.check_in(user, target, now)
    db.session.commit()
    return {"session": session_out(target, now), "status": record.status, "checked_in_at": record.checked_in_at}


# ---- marks -------------------------------------------------------------------------------------

@bp.get("/sessions/<int:session_id>/attendance")
@declare("Every member's attendance at the session (staff of the class)", query=PageQuery,
         responses={200: Page[AttendanceItem]}, errors=(400, 403, 404), tags=TAGS)
def list_attendance(session_id: int, query: PageQuery):
    session, _school_class = load_session(session_id, "class.staff")
    return checkin.attendance_page(session, utcnow(), **page_request())


@bp.put("/sessions/<int:session_id>/attendance")
@declare("Mark many members at once (staff; each mark audited). All or nothing: one bad mark (an unknown "
         "username, a name twice) is 422 with fields naming each bad mark (marks[i] or "
         "marks[i].username), and nothing changes", body=MarksIn, responses={200: MarkedMany},
         errors=(403, 404, 409), tags=TAGS)
def mark_attendance_many(session_id: int, body: MarksIn):
    session, school_class = load_session(session_id, "class.staff")
    updated = checkin.mark_many(current_user, school_class, session, body.marks)  # 422 MarksError
    db.session.commit()
    return {"updated": updated}


@bp.put("/sessions/<int:session_id>/attendance/<username>")
@declare("Mark a member present, late, excused or absent by hand (staff; audited)", body=MarkIn,
         responses={200: Marked}, errors=(403, 404, 409), tags=TAGS)
def mark_attendance(session_id: int, username: str, body: MarkIn):
    session, school_class = load_session(session_id, "class.staff")
    record = checkin.mark(current_user, school_class, session, username, body.status, body.note)
    db.session.commit()
    return {"username": username.strip().lower(), "status": record.status, "method": record.method,
            "note": record.note, "checked_in_at": record.checked_in_at}
