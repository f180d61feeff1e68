"""Attendance pages: a class's sessions, the staff QR screen, check-in, marks, minutes, exports."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import segno
from flask import (Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from ..core.database import savepoint
from ..core.errors import DomainError
from ..core.forms import saved
from ..core.exports import table_response
from ..core.markdown import render_staff_markdown
from ..core.panels import register_panel
from ..core.permissions import allowed
from ..core.times import local_to_utc
from ..core.types import utcnow
from ..extensions import db, limiter
from . import attendance, checkin, services
from .attendance_forms import (ATTENDANCE_LABELS, KIND_LABELS, METHOD_LABELS, PHASE_LABELS,
                               CheckinForm, MarkForm, MarkManyForm, MinutesForm, SessionForm, TypedCodeForm)
from .checkin_limits import SCOPE as SHORT_CODE_SCOPE
from .checkin_limits import not_a_typed_code, short_code_key, short_code_limit
from .checkin_codes import (NONCE_COOKIE, TICKET_SECONDS, CodeExpired, InvalidCode, TicketUsed, code_for,
                            new_nonce, nonce_digest, read_code, read_ticket, ticket_for, valid_nonce)
from .models import AttendanceRecord
from .views import class_or_404

bp = Blueprint("attendance", __name__)


def init_app(app) -> None:
    app.register_blueprint(bp)
    register_panel(app, "class_page", sessions_panel)


@bp.app_context_processor
def _labels():
    return {"session_kind_labels": KIND_LABELS, "attendance_labels": ATTENDANCE_LABELS,
            "session_phase_labels": PHASE_LABELS, "checkin_method_labels": METHOD_LABELS}


# ---- helpers ----------------------------------------------------------------------------------

def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def to_utc(local: datetime | None) -> datetime | None:
    """A form's local wall-clock time (TIMEZONE) as aware UTC."""
    return local_to_utc(local, _zone())  # out of range: a DomainError shown on the form


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(_zone()).replace(tzinfo=None)


def session_or_404(session_id: int, action: str = "class.view"):
    session = attendance.get_session(session_id)
    if session is None:
        abort(404)
    return session, class_or_404(session.class_id, action)


def sessions_panel(school_class, role):
    """The class overview's "Sessions" section: what is running or coming next."""
    now = utcnow()
    rows = attendance.class_sessions(school_class)
    coming = [r for r in rows if r.session.ends_at >= now][:3]
    return render_template("classes/attendance_panel.html", school_class=school_class, rows=coming,
                           total=len(rows), now=now)


# ---- sessions ---------------------------------------------------------------------------------

@bp.route("/classes/<int:class_id>/sessions")
@login_required
def sessions(class_id: int):
    school_class = class_or_404(class_id)
    staff = allowed(current_user, "class.staff", school_class)
    return render_template("classes/attendance_sessions.html", school_class=school_class, staff=staff,
                           rows=attendance.class_sessions(school_class, current_user.id), now=utcnow())


def _form_fields(form: SessionForm) -> dict:
    late = form.late_after_minutes.data
    return {"title": form.title.data, "kind": form.kind.data, "starts_at": to_utc(form.starts_at.data),
            "ends_at": to_utc(form.ends_at.data), "place": form.place.data, "meeting_url": form.meeting_url.data,
            "late_after_minutes": 10 if late is None else late}


@bp.route("/classes/<int:class_id>/sessions/new", methods=["GET", "POST"])
@login_required
def create_session(class_id: int):
    school_class = class_or_404(class_id, "class.staff")
    form = SessionForm()
    if form.validate_on_submit():
        created = saved(form, lambda: attendance.create_session(current_user, school_class, **_form_fields(form)))
        if created:
            flash(_("Session %(title)s created.", title=created.value.title), "info")
            return redirect(url_for("attendance.session_page", session_id=created.value.id))
    return render_template("classes/attendance_edit.html", form=form, school_class=school_class, session=None)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit_session(session_id: int):
    session, school_class = session_or_404(session_id, "class.staff")
    form = SessionForm(obj=session)
    if not form.is_submitted():
        form.starts_at.data, form.ends_at.data = to_local(session.starts_at), to_local(session.ends_at)
    if form.validate_on_submit():
        if saved(form, lambda: attendance.update_session(
                current_user, school_class, session, **_form_fields(form))):
            flash(_("The session was saved."), "info")
            return redirect(url_for("attendance.session_page", session_id=session.id))
    return render_template("classes/attendance_edit.html", form=form, school_class=school_class, session=session)


@bp.route("/sessions/<int:session_id>")
@login_required
def session_page(session_id: int):
    session, school_class = session_or_404(session_id)
    now = utcnow()
    staff = allowed(current_user, "class.staff", school_class)
    rows = checkin.attendance_rows(session, now) if staff else []
    mine = None
    if not staff:
        mine = next((r for r in checkin.attendance_rows(session, now) if r.username == current_user.username),
                    None) if services.class_role(current_user.id, school_class.id) == "member" else None
    return render_template(
        "classes/attendance_session.html", school_class=school_class, session=session, staff=staff, rows=rows,
        mine=mine, now=now, phase=attendance.phase(session, now), checkin_open=attendance.checkin_open(session, now),
        present_count=sum(1 for r in rows if r.status in attendance.ATTENDED),
        minutes_html=render_staff_markdown(session.minutes) if session.minutes else None,
        mark_form=MarkForm(), mark_many_form=MarkManyForm(), statuses=ATTENDANCE_LABELS)


@bp.route("/sessions/<int:session_id>/attendance", methods=["POST"])
@login_required
def mark(session_id: int):
    session, school_class = session_or_404(session_id, "class.staff")
    form = MarkForm()
    if not form.validate_on_submit():
        flash(_("The mark was not saved: %(errors)s",
                errors=" ".join(e for errors in form.errors.values() for e in errors)), "error")
        return redirect(url_for("attendance.session_page", session_id=session.id))
    try:
        checkin.mark(current_user, school_class, session, form.username.data, form.status.data, form.note.data)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("%(name)s: %(status)s.", name=form.username.data, status=ATTENDANCE_LABELS[form.status.data]),
              "info")
    return redirect(url_for("attendance.session_page", session_id=session.id, _anchor="attendance"))


@bp.route("/sessions/<int:session_id>/attendance/many", methods=["POST"])
@login_required
def mark_many(session_id: int):
    """One save for the ticked members (select all, then present/late/excused/absent)."""
    session, school_class = session_or_404(session_id, "class.staff")
    form = MarkManyForm()
    back = redirect(url_for("attendance.session_page", session_id=session.id, _anchor="attendance"))
    if not form.validate_on_submit():
        flash(_("The marks were not saved: %(errors)s",
                errors=" ".join(e for errors in form.errors.values() for e in errors)), "error")
        return back
    if not form.usernames.data:
        flash(_("Select the members to mark first."), "error")
        return back
    marks = [{"username": name, "status": form.status.data, "note": form.note.data}
             for name in form.usernames.data]
    try:
        updated = checkin.mark_many(current_user, school_class, session, marks)
    except DomainError as error:
        db.session.rollback()
        flash(_("The marks were not saved: %(errors)s", errors=" ".join(getattr(error, "fields", {}).values())
                or error.message), "error")
        return back
    db.session.commit()
    flash(_("%(status)s: %(n)d members.", status=ATTENDANCE_LABELS[form.status.data], n=updated), "info")
    return back


@bp.route("/sessions/<int:session_id>/sign-in-sheet")
@login_required
def sign_in_sheet(session_id: int):
    """The paper fallback (签到表): the roster with a signature column, printed on A4."""
    session, school_class = session_or_404(session_id, "class.staff")
    return render_template("classes/attendance_sheet.html", school_class=school_class, session=session,
                           rows=checkin.attendance_rows(session, utcnow()))


@bp.route("/sessions/<int:session_id>/minutes", methods=["GET", "POST"])
@login_required
def minutes(session_id: int):
    session, school_class = session_or_404(session_id, "class.manage")
    form = MinutesForm(minutes=session.minutes or "")
    if form.validate_on_submit():
        if saved(form, lambda: attendance.save_minutes(current_user, school_class, session,
                                                       form.minutes.data or "", utcnow()),
                 form.minutes.errors):
            flash(_("The minutes were saved."), "info")
            return redirect(url_for("attendance.session_page", session_id=session.id))
    return render_template("classes/attendance_minutes.html", form=form, school_class=school_class, session=session)


@bp.route("/sessions/<int:session_id>/attendance.<kind>")
@login_required
def export(session_id: int, kind: str):
    if kind not in ("csv", "xlsx"):
        abort(404)
    session, school_class = session_or_404(session_id, "class.staff")
    rows = checkin.attendance_rows(session, utcnow())
    header = [_("Username"), _("Name"), _("Student or staff number"), _("Department or branch"), _("Status"),
              _("How"), _("Checked in at"), _("Note")]
    body = [[r.username, r.display_name, r.student_no, r.department,
             str(ATTENDANCE_LABELS[r.status]) if r.status else _("Not recorded yet"),
             str(METHOD_LABELS[r.method]) if r.method else "",
             to_local(r.checked_in_at).strftime("%Y-%m-%d %H:%M:%S") if r.checked_in_at else "", r.note]
            for r in rows]
    word = _("attendance")  # outside the f-string, where the message extractor finds it
    stem = f"{school_class.code}-{to_local(session.starts_at):%Y%m%d-%H%M}-{word}"
    return table_response(kind, stem, header, body, sheet_title=_("Attendance"))


# ---- the staff QR screen ----------------------------------------------------------------------

def qr_state(session, school_class) -> dict:
    now = utcnow()
    state = {"open": attendance.checkin_open(session, now) and not school_class.read_only,
             "present_count": attendance.present_count(session.id),
             "members_count": attendance.members_count(school_class.id)}
    if state["open"]:
        code = code_for(session.id, now)
        url = url_for("attendance.checkin", c=code.code, _external=True)
        svg = segno.make(url, error="m").svg_inline(scale=1, omitsize=True, svgclass="qr-code",
                                                    lineclass="qr-line", title=_("Check-in QR code"))
        state.update(code=code.code, url=url, svg=svg, rotates_at=code.rotates_at.isoformat(),
                     expires_at=code.expires_at.isoformat(), short_code=code.short_code)
    return state


@bp.route("/sessions/<int:session_id>/qr")
@login_required
def qr_page(session_id: int):
    session, school_class = session_or_404(session_id, "class.staff")
    state = qr_state(session, school_class)
    return render_template("classes/attendance_qr.html", school_class=school_class, session=session,
                           state=state, svg=Markup(state.get("svg", "")),
                           typed_url=url_for("attendance.checkin_by_code", _external=True))


@bp.route("/sessions/<int:session_id>/qr/state")
@login_required
def qr_state_json(session_id: int):
    session, school_class = session_or_404(session_id, "class.staff")
    return jsonify(qr_state(session, school_class))


# ---- checking in ------------------------------------------------------------------------------

def checkin_limit() -> str:
    if current_user.is_authenticated:
        return current_app.config.get("CHECKIN_RATE_LIMIT", "20 per minute")
    # Anonymous scans are counted per address, and a whole class may share one campus NAT.
    return current_app.config.get("CHECKIN_ANONYMOUS_RATE_LIMIT", "600 per minute")


def checkin_key() -> str:
    from flask_limiter.util import get_remote_address

    if current_user.is_authenticated:
        return f"checkin-user:{current_user.id}"
    return f"checkin-address:{get_remote_address()}"


def _load(session_id: int):
    session = attendance.get_session(session_id)
    school_class = services.get_class(session.class_id) if session is not None else None
    if school_class is None:
        raise InvalidCode(_("This is not a check-in code of this site."))
    return session, school_class


def _result(error: DomainError | None = None, session=None, record=None, school_class=None):
    return render_template("classes/attendance_checkin.html", error=error, session=session, record=record,
                           school_class=school_class, form=None), (error.status if error else 200)


def _ticket_used() -> TicketUsed:
    return TicketUsed(_("This browser has already checked someone in to this session: each person checks "
                        "in on their own phone."))


def _ensure_unused(session_id: int, nonce: str) -> None:
    """One browser's scan checks in one person: refuse a nonce that already did so here."""
    used = db.session.scalar(select(AttendanceRecord.id).where(
        AttendanceRecord.session_id == session_id, AttendanceRecord.scan_nonce == nonce_digest(nonce)))
    if used is not None:
        raise _ticket_used()


def _with_nonce(response, nonce: str):
    response.set_cookie(NONCE_COOKIE, nonce, max_age=TICKET_SECONDS + 60, path=url_for("attendance.checkin"),
                        httponly=True, samesite="Lax", secure=request.is_secure)
    return response


@bp.route("/checkin", methods=["GET"])
@limiter.limit(checkin_limit, key_func=checkin_key)
def checkin_page():
    """What the QR code opens. A valid code becomes a scan ticket bound to this browser; a
    member who is not logged in carries it through the login page and back."""
    now = utcnow()
    code, ticket = request.args.get("c"), request.args.get("t")
    nonce = request.cookies.get(NONCE_COOKIE)
    nonce = nonce if valid_nonce(nonce) else new_nonce()
    session = school_class = None
    try:
        if code is not None:
            session, school_class = _load(read_code(code, now))
            if not attendance.checkin_open(session, now):
                raise CodeExpired(_("Check-in for this session is closed."))
            ticket = ticket_for(session.id, now, nonce,
                                current_user.id if current_user.is_authenticated else None)
            if not current_user.is_authenticated:
                target = url_for("auth.login", next=url_for("attendance.checkin", t=ticket))
                return _with_nonce(redirect(target), nonce)
        elif ticket is not None:
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            session, school_class = _load(read_ticket(ticket, request.cookies.get(NONCE_COOKIE), now,
                                                      current_user.id)[0])
        else:
            raise InvalidCode(_("Open this page by scanning the check-in code on the screen."))
        checkin.ensure_can_check_in(current_user, school_class, session)
        _ensure_unused(session.id, nonce)
    except DomainError as error:
        return _result(error, session, school_class=school_class)
    form = CheckinForm(ticket=ticket)
    response = current_app.make_response(render_template(
        "classes/attendance_checkin.html", error=None, session=session, record=None, school_class=school_class,
        form=form))
    return _with_nonce(response, nonce)


@bp.route("/checkin", methods=["POST"], endpoint="checkin")
@login_required
@limiter.limit(checkin_limit, key_func=checkin_key)
def submit_checkin():
    form = CheckinForm()
    if not form.validate_on_submit():
        return _result(InvalidCode(_("This check-in link is not valid here: scan the code on the screen again.")))
    now = utcnow()
    session = school_class = None
    try:
        nonce = request.cookies.get(NONCE_COOKIE)
        session_id, scanned_at = read_ticket(form.ticket.data, nonce, now, current_user.id)
        session, school_class = _load(session_id)
        record = checkin.check_in(current_user, school_class, session, scanned_at)
        with savepoint(db.session, _ticket_used()):  # two accounts at once on one browser: one wins
            record.scan_nonce = nonce_digest(nonce)
            db.session.flush()
    except DomainError as error:
        db.session.rollback()
        return _result(error, session, school_class=school_class)
    db.session.commit()
    return _result(None, session, record, school_class)


@bp.route("/checkin/code", methods=["GET", "POST"])
@login_required
@limiter.shared_limit(short_code_limit, scope=SHORT_CODE_SCOPE, key_func=short_code_key,
                      exempt_when=not_a_typed_code)
def checkin_by_code():
    """For a phone whose camera cannot read the QR code: type the 6 digits shown beside it.
    The session is one of the member's classes' sessions taking check-ins now (chosen when
    there are several, implied when there is one)."""
    now = utcnow()
    open_sessions = attendance.open_sessions_for(current_user.id, now)
    classes = {session.id: school_class for session, school_class in open_sessions}
    form = TypedCodeForm()
    form.session.choices = [(session.id, f"{session.title} · {school_class.name}")
                            for session, school_class in open_sessions]
    if not form.is_submitted() and request.args.get("session", type=int) in classes:
        form.session.data = request.args.get("session", type=int)
    if form.validate_on_submit():
        session = attendance.get_session(form.session.data)
        try:
            record = checkin.check_in_typed(current_user, classes[session.id], session, form.code.data, now)
        except DomainError as error:
            db.session.rollback()
            form.code.errors.append(error.message)
        else:
            db.session.commit()
            return _result(None, session, record, classes[session.id])
    return render_template("classes/attendance_code.html", form=form, sessions=open_sessions)
