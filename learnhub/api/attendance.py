"""/api/v1 attendance: class sessions, rotating check-in codes, check-in, attendance marks."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, jsonify, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..classes.attendance import checkin, sessions as attendance
from ..classes.attendance.codes import code_for, read_code
from ..classes.attendance.limits import SCOPE as SHORT_CODE_SCOPE, not_a_typed_code, short_code_key, short_code_limit
from ..classes.attendance.loaders import load_session
from ..classes.attendance.models import ClassSession
from ..classes.loaders import load_class
from ..classes.services import ensure_writable, get_class
from ..core.api import ApiError, json_body, page_of, page_params
from ..core.markdown import render_staff_markdown
from ..core.times import parse_iso
from ..core.types import utcnow
from ..extensions import db, limiter
from . import bp

SESSION_FIELDS = ("title", "kind", "starts_at", "ends_at", "place", "meeting_url", "late_after_minutes")


def parse_datetime(value, field: str) -> datetime:
    """ISO 8601; a time without an offset is in the configured time zone (TIMEZONE).
    Years outside MIN_YEAR..MAX_YEAR are a 422 invalid_field (core/times.py)."""
    moment = parse_iso(value, field, naive_zone=ZoneInfo(current_app.config["TIMEZONE"]))
    if moment is None:
        raise ApiError(422, "invalid_field",
                       _("'%(field)s' must be a time like 2026-11-24T19:00:00+08:00.", field=field))
    return moment


def session_fields(data: dict, partial: bool) -> dict:
    unknown = sorted(set(data) - set(SESSION_FIELDS))
    if unknown:
        raise ApiError(422, "invalid_field", _("Unknown field '%(field)s'.", field=unknown[0][:64]))
    if not partial:
        missing = [f for f in ("title", "kind", "starts_at", "ends_at") if f not in data]
        if missing:
            raise ApiError(422, "invalid_field", _("'%(field)s' is required.", field=missing[0]))
    fields = dict(data)
    for name in ("starts_at", "ends_at"):
        if name in fields:
            fields[name] = parse_datetime(fields[name], name)
    return fields


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if moment else None


def session_json(session: ClassSession, now: datetime, row: attendance.SessionRow | None = None) -> dict:
    body = {"id": session.id, "class_id": session.class_id, "title": session.title, "kind": session.kind,
            "starts_at": iso(session.starts_at), "ends_at": iso(session.ends_at), "place": session.place,
            "meeting_url": session.meeting_url, "late_after_minutes": session.late_after_minutes,
            "phase": attendance.phase(session, now), "checkin_open": attendance.checkin_open(session, now),
            "url": url_for("attendance.session_page", session_id=session.id)}
    if row is not None:
        body.update(present_count=row.present_count, members_count=row.members_count, my_status=row.my_status)
    return body


@bp.get("/classes/<int:class_id>/sessions")
def list_sessions(class_id: int):
    school_class = load_class(class_id)
    offset, limit = page_params()
    now = utcnow()
    rows = attendance.class_sessions(school_class, current_user.id)
    return jsonify(page_of([session_json(r.session, now, r) for r in rows], offset, limit))


@bp.post("/classes/<int:class_id>/sessions")
def create_session(class_id: int):
    school_class = load_class(class_id, "class.staff")
    fields = session_fields(json_body(), partial=False)
    session = attendance.create_session(current_user, school_class, **fields)
    db.session.commit()
    return jsonify(session_json(session, utcnow())), 201


@bp.get("/sessions/<int:session_id>")
def get_session(session_id: int):
    session, school_class = load_session(session_id)
    body = session_json(session, utcnow())
    body["minutes_html"] = render_staff_markdown(session.minutes) if session.minutes else None
    return jsonify(body)


@bp.patch("/sessions/<int:session_id>")
def update_session(session_id: int):
    session, school_class = load_session(session_id, "class.staff")
    fields = session_fields(json_body(), partial=True)
    attendance.update_session(current_user, school_class, session, **fields)
    db.session.commit()
    return jsonify(session_json(session, utcnow()))


@bp.get("/sessions/<int:session_id>/code")
def get_code(session_id: int):
    session, school_class = load_session(session_id, "class.staff")
    ensure_writable(school_class)
    now = utcnow()
    if not attendance.checkin_open(session, now):
        raise ApiError(409, "checkin_closed", _("Check-in runs from 30 minutes before the session "
                                                "starts until it ends."))
    code = code_for(session.id, now)
    return jsonify({"code": code.code, "url": url_for("attendance.checkin", c=code.code, _external=True),
                    "short_code": code.short_code,
                    "expires_at": iso(code.expires_at), "rotates_at": iso(code.rotates_at),
                    "present_count": attendance.present_count(session.id),
                    "members_count": attendance.members_count(school_class.id)})


def checkin_limit() -> str:
    return current_app.config.get("CHECKIN_RATE_LIMIT", "20 per minute")


def user_key() -> str:
    """Check-in attempts are counted per account: a class behind one NAT is not one caller."""
    return f"checkin-user:{current_user.id}" if current_user.is_authenticated else "checkin-anonymous"


@bp.post("/checkin")
@limiter.limit(checkin_limit, key_func=user_key)
@limiter.shared_limit(short_code_limit, scope=SHORT_CODE_SCOPE, key_func=short_code_key,
                      exempt_when=not_a_typed_code)
def check_in():
    """{"code"}: a scanned code; {"session", "code"}: the 6 digits shown beside it, typed."""
    data = json_body()
    now = utcnow()
    if "session" in data:
        session, school_class = _typed_session(data)
        record = checkin.check_in_typed(current_user, school_class, session, data.get("code"), now)
    else:
        session_id = read_code(data.get("code"), now)
        session = attendance.get_session(session_id)
        school_class = get_class(session.class_id) if session is not None else None
        if school_class is None:  # a genuine code of a session deleted since
            raise ApiError(422, "invalid_code", _("This is not a check-in code of this site."))
        record = checkin.check_in(current_user, school_class, session, now)
    db.session.commit()
    return jsonify({"session": session_json(session, now), "status": record.status,
                    "checked_in_at": iso(record.checked_in_at)})


def _typed_session(data: dict):
    unknown = sorted(set(data) - {"session", "code"})
    if unknown:
        raise ApiError(422, "invalid_field", _("Unknown field '%(field)s'.", field=unknown[0][:64]))
    session_id = data["session"]
    if isinstance(session_id, bool) or not isinstance(session_id, int) or not 0 < session_id < 2 ** 31:
        raise ApiError(422, "invalid_field", _("'session' must be the id of a session."))
    return load_session(session_id)


def attendance_json(row: checkin.AttendanceRow) -> dict:
    return {"username": row.username, "display_name": row.display_name, "status": row.status,
            "recorded": row.recorded, "checked_in_at": iso(row.checked_in_at), "method": row.method,
            "note": row.note}


@bp.get("/sessions/<int:session_id>/attendance")
def list_attendance(session_id: int):
    session, _class = load_session(session_id, "class.staff")
    offset, limit = page_params()
    rows = checkin.attendance_rows(session, utcnow())
    return jsonify(page_of([attendance_json(r) for r in rows], offset, limit))


@bp.put("/sessions/<int:session_id>/attendance")
def mark_attendance_many(session_id: int):
    """Many manual marks at once, all or nothing (checkin.mark_many)."""
    session, school_class = load_session(session_id, "class.staff")
    data = json_body()
    unknown = sorted(set(data) - {"marks"})
    if unknown:
        raise ApiError(422, "invalid_field", _("Unknown field '%(field)s'.", field=unknown[0][:64]))
    try:
        updated = checkin.mark_many(current_user, school_class, session, data.get("marks"))
    except checkin.MarksError as error:  # name every mark at fault, not only the first
        db.session.rollback()
        return jsonify({"error": {"code": error.code, "message": error.message, "fields": error.fields}}), 422
    db.session.commit()
    return jsonify({"updated": updated})


@bp.put("/sessions/<int:session_id>/attendance/<username>")
def mark_attendance(session_id: int, username: str):
    session, school_class = load_session(session_id, "class.staff")
    data = json_body()
    unknown = sorted(set(data) - {"status", "note"})
    if unknown:
        raise ApiError(422, "invalid_field", _("Unknown field '%(field)s'.", field=unknown[0][:64]))
    record = checkin.mark(current_user, school_class, session, username, data.get("status"), data.get("note"))
    db.session.commit()
    return jsonify({"username": username.strip().lower(), "status": record.status, "method": record.method,
                    "note": record.note, "checked_in_at": iso(record.checked_in_at)})
