"""Class sessions (lectures, branch meetings 三会一课, party lessons) and their minutes.

Check-in and attendance records are in checkin.py. Functions take explicit arguments
(the actor, the time) and flush; the caller commits.

For the home page: `sessions_today(class_ids, now, tz)` gives each class's sessions that
overlap today in the configured time zone (one query), and `SessionRow` rows from
`class_sessions(...)` carry the counts.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ...core.audit import audit
from ...core.errors import DomainError
from ...core.markdown import require_renderable
from ...core.pagination import Key, Page, paginate
from ...core.times import check_time
from ...extensions import db
from ..models import Membership, SchoolClass
from ..services import ensure_writable
from .codes import OPENS_BEFORE, window_open
from .models import SESSION_KINDS, AttendanceRecord, ClassSession

TITLE_MAX, PLACE_MAX, URL_MAX, MINUTES_MAX = 200, 200, 500, 50_000
LATE_MAX = 240  # minutes
LONGEST = timedelta(hours=24)  # a session is a meeting, not a term
ATTENDED = ("present", "late")


class SessionError(DomainError):
    status, code = 422, "invalid_session"


class SessionNotStarted(DomainError):
    status, code = 409, "session_not_started"


# ---- creating and changing --------------------------------------------------------------------

def _clean(title, kind, starts_at, ends_at, place, meeting_url, late_after_minutes) -> dict:
    title = (title or "").strip() if isinstance(title, str) else None
    if not title or len(title) > TITLE_MAX:
        raise SessionError(_l("A session needs a title of at most %(n)d characters.", n=TITLE_MAX))
    if kind not in SESSION_KINDS:
        raise SessionError(_l("Unknown kind of session."))
    if not all(isinstance(t, datetime) and t.tzinfo is not None for t in (starts_at, ends_at)):
        raise SessionError(_l("A session needs a start and an end time."))
    check_time(starts_at)  # years MIN_YEAR..MAX_YEAR (core/times.py): a 422 invalid_field
    check_time(ends_at)
    if ends_at <= starts_at:
        raise SessionError(_l("A session must end after it starts."))
    if ends_at - starts_at > LONGEST:
        raise SessionError(_l("A session lasts at most 24 hours."))
    place = _optional_text(place, PLACE_MAX, _l("The place is at most %(n)d characters.", n=PLACE_MAX))
    meeting_url = _optional_text(meeting_url, URL_MAX, None)
    if meeting_url is not None and not _web_url(meeting_url):
        raise SessionError(_l("The meeting link must be an http:// or https:// address of at most %(n)d characters.",
                              n=URL_MAX))
    if isinstance(late_after_minutes, bool) or not isinstance(late_after_minutes, int) \
            or not 0 <= late_after_minutes <= LATE_MAX:
        raise SessionError(_l("'Late after' is a whole number of minutes from 0 to %(n)d.", n=LATE_MAX))
    return {"title": title, "kind": kind, "starts_at": starts_at, "ends_at": ends_at, "place": place,
            "meeting_url": meeting_url, "late_after_minutes": late_after_minutes}


def _optional_text(value, limit: int, message) -> str | None:
    """None or a stripped string of at most `limit` characters ("" is None)."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value.strip()) > limit:
        raise SessionError(message or _l("The meeting link must be an http:// or https:// address of at most %(n)d characters.", n=limit))
    return value.strip() or None


def _web_url(value) -> bool:
    if not isinstance(value, str) or len(value) > URL_MAX or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def create_session(actor, school_class: SchoolClass, title: str, kind: str, starts_at: datetime,
                   ends_at: datetime, place: str | None = None, meeting_url: str | None = None,
                   late_after_minutes: int = 10) -> ClassSession:
    ensure_writable(school_class)
    fields = _clean(title, kind, starts_at, ends_at, place, meeting_url, late_after_minutes)
    session = ClassSession(class_id=school_class.id, created_by_id=actor.id, **fields)
    db.session.add(session)
    db.session.flush()
    audit(actor, "session.create", session, class_id=school_class.id, title=session.title)
    return session


def update_session(actor, school_class: SchoolClass, session: ClassSession, **changes) -> ClassSession:
    """Change some of title, kind, starts_at, ends_at, place, meeting_url, late_after_minutes."""
    ensure_writable(school_class)
    current = {key: getattr(session, key) for key in
               ("title", "kind", "starts_at", "ends_at", "place", "meeting_url", "late_after_minutes")}
    unknown = set(changes) - set(current)
    if unknown:
        raise SessionError(_l("Unknown field %(name)s.", name=sorted(unknown)[0]))
    fields = _clean(**{**current, **changes})
    changed = {k: v for k, v in fields.items() if getattr(session, k) != v}
    for key, value in changed.items():
        setattr(session, key, value)
    if changed:
        audit(actor, "session.update", session, fields=sorted(changed))
    db.session.flush()
    return session


def save_minutes(actor, school_class: SchoolClass, session: ClassSession, text: str,
                 now: datetime) -> ClassSession:
    """The meeting record (Markdown), once the session has started; empty text removes it."""
    ensure_writable(school_class)
    if not isinstance(text, str) or len(text) > MINUTES_MAX:
        raise SessionError(_l("The minutes are at most %(n)d characters.", n=MINUTES_MAX))
    require_renderable(text, "minutes")   # over the renderer's bounds: refused, never stored
    if now < session.starts_at:
        raise SessionNotStarted(_l("Minutes can be recorded once the session has started."))
    session.minutes = text.strip() or None
    session.minutes_updated_at = now
    audit(actor, "session.minutes", session, length=len(text))
    db.session.flush()
    return session


# ---- reading ----------------------------------------------------------------------------------

PHASES = ("upcoming", "running", "ended")


def phase(session: ClassSession, now: datetime) -> str:
    """One of PHASES."""
    if now < session.starts_at:
        return "upcoming"
    return "running" if now <= session.ends_at else "ended"


def checkin_open(session: ClassSession, now: datetime) -> bool:
    return window_open(session.starts_at, session.ends_at, now)


@dataclass
class SessionRow:
    session: ClassSession
    present_count: int  # present or late
    members_count: int
    my_status: str | None  # the caller's record, for members (None: nothing recorded)


def members_count(class_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.class_id == class_id, Membership.role == "member")) or 0


# The sessions' order, for the pages and the API's keyset pages (core.pagination).
SESSION_ORDER = (Key(ClassSession.starts_at), Key(ClassSession.id))


def _with_present_counts(school_class: SchoolClass):
    """The class's sessions with their present (or late) counts, unordered: one select."""
    of_class = aliased(ClassSession)  # not the outer query's ClassSession (no correlation)
    attended = (select(AttendanceRecord.session_id, func.count().label("n"))
                .join(of_class, of_class.id == AttendanceRecord.session_id)
                .where(of_class.class_id == school_class.id, AttendanceRecord.status.in_(ATTENDED))
                .group_by(AttendanceRecord.session_id).subquery())
    return (select(ClassSession, func.coalesce(attended.c.n, 0))
            .outerjoin(attended, attended.c.session_id == ClassSession.id)
            .where(ClassSession.class_id == school_class.id))


def _session_rows(school_class: SchoolClass, rows, user_id: int | None) -> list[SessionRow]:
    """SessionRows of (session, present count) rows: two more queries at most."""
    if not rows:
        return []
    total = members_count(school_class.id)
    mine = {}
    if user_id is not None:
        mine = dict(db.session.execute(
            select(AttendanceRecord.session_id, AttendanceRecord.status)
            .join(ClassSession, ClassSession.id == AttendanceRecord.session_id)
            .where(ClassSession.class_id == school_class.id, AttendanceRecord.user_id == user_id)).all())
    return [SessionRow(session, count, total, mine.get(session.id)) for session, count in rows]


def class_sessions(school_class: SchoolClass, user_id: int | None = None) -> list[SessionRow]:
    """The class's sessions in time order with their present counts: three queries at most,
    whatever the number of sessions and members."""
    rows = db.session.execute(_with_present_counts(school_class)
                              .order_by(*(key.order_by() for key in SESSION_ORDER))).all()
    return _session_rows(school_class, rows, user_id)


def class_sessions_page(school_class: SchoolClass, user_id: int | None, limit: int,
                        cursor: str | None) -> Page:
    """One keyset page of `class_sessions` (400 `invalid_cursor` on a bad cursor)."""
    page = paginate(_with_present_counts(school_class), SESSION_ORDER, limit=limit, cursor=cursor)
    page.items = _session_rows(school_class, page.items, user_id)
    return page


def present_count(session_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(AttendanceRecord).where(
        AttendanceRecord.session_id == session_id, AttendanceRecord.status.in_(ATTENDED))) or 0


def get_session(session_id: int) -> ClassSession | None:
    return db.session.get(ClassSession, session_id)


def sessions_today(class_ids: list[int], now: datetime, tz: str = "Asia/Shanghai") -> dict[int, list[ClassSession]]:
    """{class id: its sessions overlapping today (in `tz`), in time order}, in one query."""
    if not class_ids:
        return {}
    zone = ZoneInfo(tz)
    local_day = now.astimezone(zone).date()
    day_start = datetime.combine(local_day, time.min, tzinfo=zone)
    day_end = day_start + timedelta(days=1)
    found: dict[int, list[ClassSession]] = {}
    for session in db.session.scalars(
            select(ClassSession).where(ClassSession.class_id.in_(class_ids),
                                       ClassSession.starts_at < day_end, ClassSession.ends_at > day_start)
            .order_by(ClassSession.starts_at, ClassSession.id)):
        found.setdefault(session.class_id, []).append(session)
    return found


def open_sessions_for(user_id: int, now: datetime) -> list[tuple[ClassSession, SchoolClass]]:
    """Sessions taking check-ins at `now` in the classes where the user is a member (archived
    classes left out), in time order: what the typed-code form offers."""
    return [tuple(row) for row in db.session.execute(
        select(ClassSession, SchoolClass)
        .join(SchoolClass, SchoolClass.id == ClassSession.class_id)
        .join(Membership, (Membership.class_id == SchoolClass.id) & (Membership.user_id == user_id)
              & (Membership.role == "member"))
        .where(SchoolClass.status != "archived", ClassSession.starts_at <= now + OPENS_BEFORE,
               ClassSession.ends_at >= now)
        .order_by(ClassSession.starts_at, ClassSession.id)).all()]
