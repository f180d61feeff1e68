"""Attendance pages: a class's sessions, the staff QR screen, marks, minutes, exports. The
check-in routes of this blueprint are in checkin_views.py."""
from __future__ import annotations

import segno
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from ...core.errors import DomainError
from ...core.exports import table_response
from ...core.forms import saved
from ...core.markdown import render_staff_markdown
from ...core.permissions import allowed
from ...core.times import form_to_utc, utc_to_form
from ...core.types import utcnow
from ...extensions import db
from .. import services
from ..loaders import load_class
from . import checkin, sessions as rules
from .codes import code_for
from .forms import (
    ATTENDANCE_LABELS,
    KIND_LABELS,
    METHOD_LABELS,
    PHASE_LABELS,
    MarkForm,
    MarkManyForm,
    MinutesForm,
    SessionForm,
)
from .loaders import load_session

bp = Blueprint("attendance", __name__)


@bp.app_context_processor
def _labels():
    return {"session_kind_labels": KIND_LABELS, "attendance_labels": ATTENDANCE_LABELS,
            "session_phase_labels": PHASE_LABELS, "checkin_method_labels": METHOD_LABELS}


# ---- helpers ----------------------------------------------------------------------------------

def sessions_panel(school_class, role):
    """The class overview's "Sessions" section: what is running or coming next."""
    now = utcnow()
    rows = rules.class_sessions(school_class)
    coming = [r for r in rows if r.session.ends_at >= now][:3]
    return render_template("classes/attendance_panel.html", school_class=school_class, rows=coming,
                           total=len(rows), now=now)


# ---- sessions ---------------------------------------------------------------------------------

@bp.route("/classes/<int:class_id>/sessions")
@login_required
def sessions(class_id: int):
    school_class = load_class(class_id)
    staff = allowed(current_user, "class.staff", school_class)
    return render_template("classes/attendance_sessions.html", school_class=school_class, staff=staff,
                           rows=rules.class_sessions(school_class, current_user.id), now=utcnow())


def _form_fields(form: SessionForm) -> dict:
    late = form.late_after_minutes.data
    return {"title": form.title.data, "kind": form.kind.data, "starts_at": form_to_utc(form.starts_at.data),
            "ends_at": form_to_utc(form.ends_at.data), "place": form.place.data, "meeting_url": form.meeting_url.data,
            "late_after_minutes": 10 if late is None else late}


@bp.route("/classes/<int:class_id>/sessions/new", methods=["GET", "POST"])
@login_required
def create_session(class_id: int):
    school_class = load_class(class_id, "class.staff")
    form = SessionForm()
    if form.validate_on_submit():
        created = saved(form, lambda: rules.create_session(current_user, school_class, **_form_fields(form)))
        if created:
            flash(_("Session %(title)s created.", title=created.value.title), "info")
            return redirect(url_for("attendance.session_page", session_id=created.value.id))
    return render_template("classes/attendance_edit.html", form=form, school_class=school_class, session=None)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit_session(session_id: int):
    session, school_class = load_session(session_id, "class.staff")
    form = SessionForm(obj=session)
    if not form.is_submitted():
        form.starts_at.data, form.ends_at.data = utc_to_form(session.starts_at), utc_to_form(session.ends_at)
    if form.validate_on_submit():
        if saved(form, lambda: rules.update_session(
                current_user, school_class, session, **_form_fields(form))):
            flash(_("The session was saved."), "info")
            return redirect(url_for("attendance.session_page", session_id=session.id))
    return render_template("classes/attendance_edit.html", form=form, school_class=school_class, session=session)


@bp.route("/sessions/<int:session_id>")
@login_required
def session_page(session_id: int):
    session, school_class = load_session(session_id)
    now = utcnow()
    staff = allowed(current_user, "class.staff", school_class)
    rows = checkin.attendance_rows(session, now) if staff else []
    mine = None
    if not staff:
        mine = next((r for r in checkin.attendance_rows(session, now) if r.username == current_user.username),
                    None) if services.class_role(current_user.id, school_class.id) == "member" else None
    return render_template(
        "classes/attendance_session.html", school_class=school_class, session=session, staff=staff, rows=rows,
        mine=mine, now=now, phase=rules.phase(session, now), checkin_open=rules.checkin_open(session, now),
        present_count=sum(1 for r in rows if r.status in rules.ATTENDED),
        minutes_html=render_staff_markdown(session.minutes) if session.minutes else None,
        mark_form=MarkForm(), mark_many_form=MarkManyForm(), statuses=ATTENDANCE_LABELS)


@bp.route("/sessions/<int:session_id>/attendance", methods=["POST"])
@login_required
def mark(session_id: int):
    session, school_class = load_session(session_id, "class.staff")
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
    session, school_class = load_session(session_id, "class.staff")
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
    session, school_class = load_session(session_id, "class.staff")
    return render_template("classes/attendance_sheet.html", school_class=school_class, session=session,
                           rows=checkin.attendance_rows(session, utcnow()))


@bp.route("/sessions/<int:session_id>/minutes", methods=["GET", "POST"])
@login_required
def minutes(session_id: int):
    session, school_class = load_session(session_id, "class.manage")
    form = MinutesForm(minutes=session.minutes or "")
    if form.validate_on_submit():
        if saved(form, lambda: rules.save_minutes(current_user, school_class, session,
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
    session, school_class = load_session(session_id, "class.staff")
    rows = checkin.attendance_rows(session, utcnow())
    header = [_("Username"), _("Name"), _("Student or staff number"), _("Department or branch"), _("Status"),
              _("How"), _("Checked in at"), _("Note")]
    body = [[r.username, r.display_name, r.student_no, r.department,
             str(ATTENDANCE_LABELS[r.status]) if r.status else _("Not recorded yet"),
             str(METHOD_LABELS[r.method]) if r.method else "",
             utc_to_form(r.checked_in_at).strftime("%Y-%m-%d %H:%M:%S") if r.checked_in_at else "", r.note]
            for r in rows]
    word = _("attendance")  # outside the f-string, where the message extractor finds it
    stem = f"{school_class.code}-{utc_to_form(session.starts_at):%Y%m%d-%H%M}-{word}"
    return table_response(kind, stem, header, body, sheet_title=_("Attendance"))


# ---- the staff QR screen ----------------------------------------------------------------------

def qr_state(session, school_class) -> dict:
    now = utcnow()
    state = {"open": rules.checkin_open(session, now) and not school_class.read_only,
             "present_count": rules.present_count(session.id),
             "members_count": rules.members_count(school_class.id)}
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
    session, school_class = load_session(session_id, "class.staff")
    state = qr_state(session, school_class)
    return render_template("classes/attendance_qr.html", school_class=school_class, session=session,
                           state=state, svg=Markup(state.get("svg", "")),
                           typed_url=url_for("attendance.checkin_by_code", _external=True))


@bp.route("/sessions/<int:session_id>/qr/state")
@login_required
def qr_state_json(session_id: int):
    session, school_class = load_session(session_id, "class.staff")
    return jsonify(qr_state(session, school_class))
