"""Checking in: what the QR code opens (a scan ticket bound to the browser), the check-in
itself, and typing the short code; routes of the attendance blueprint (see views.py)."""
from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...core.errors import DomainError
from ...core.types import utcnow
from ...extensions import db, limiter
from .. import services
from . import checkin, sessions
from .codes import (
    NONCE_COOKIE,
    TICKET_SECONDS,
    CodeExpired,
    InvalidCode,
    new_nonce,
    read_code,
    read_ticket,
    ticket_for,
    valid_nonce,
)
from .forms import CheckinForm, TypedCodeForm
from .limits import SCOPE as SHORT_CODE_SCOPE, not_a_typed_code, short_code_key, short_code_limit
from .views import bp


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
    session = sessions.get_session(session_id)
    school_class = services.get_class(session.class_id) if session is not None else None
    if school_class is None:
        raise InvalidCode(_("This is not a check-in code of this site."))
    return session, school_class


def _result(error: DomainError | None = None, session=None, record=None, school_class=None):
    return render_template("classes/attendance_checkin.html", error=error, session=session, record=record,
                           school_class=school_class, form=None), (error.status if error else 200)


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
            if not sessions.checkin_open(session, now):
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
        checkin.ensure_can_check_in(checkin.checkin_target(session.id, current_user.id))
        checkin.ensure_unused_nonce(session.id, nonce)
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
        # Two accounts at once on one browser: one wins, the other is 409 ticket_used.
        record = checkin.check_in(current_user, checkin.checkin_target(session.id, current_user.id), scanned_at,
                                  nonce=nonce)
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
    open_sessions = sessions.open_sessions_for(current_user.id, now)
    classes = {session.id: school_class for session, school_class in open_sessions}
    form = TypedCodeForm()
    form.session.choices = [(session.id, f"{session.title} · {school_class.name}")
                            for session, school_class in open_sessions]
    if not form.is_submitted() and request.args.get("session", type=int) in classes:
        form.session.data = request.args.get("session", type=int)
    if form.validate_on_submit():
        session = sessions.get_session(form.session.data)
        try:
            record = checkin.check_in_typed(current_user, checkin.checkin_target(session.id, current_user.id),
                                            form.code.data, now)
        except DomainError as error:
            db.session.rollback()
            form.code.errors.append(error.message)
        else:
            db.session.commit()
            return _result(None, session, record, classes[session.id])
    return render_template("classes/attendance_code.html", form=form, sessions=open_sessions)
