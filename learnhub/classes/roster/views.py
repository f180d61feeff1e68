"""Roster pages: the roster (staff), a member's record (head teacher edits), import, export."""
from __future__ import annotations

import base64

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup

from ...auth.models import User
from ...core.errors import DomainError
from ...core.exports import csv_response, table_response
from ...core.forms import saved
from ...core.pagination import next_page_url, page_request
from ...core.permissions import allowed
from ...core.types import utcnow
from ...extensions import db
from ..forms import ROLE_LABELS
from ..loaders import load_class
from ..models import CLASS_ROLES, LOCATIONS, STAGES
from . import members, services as rules
from .files import MAX_BYTES, read_roster_file
from .forms import ConfirmForm, MemberForm, UploadForm
from .importer import apply_import, plan_import, rows_from_token, sign_rows
from .loaders import load_member

bp = Blueprint("roster", __name__)
PAGE_SIZE = 100
IMPORT_RESULT_LABELS = {"new_account": _l("New account"), "enrolled": _l("Existing account enrolled"),
                        "already_enrolled": _l("Already enrolled"), "error": _l("Error")}
FILTER_KEYS = ("q", "stage", "department", "location", "role", "sort")
# The signed rows come back as one form field, and Flask reads at most 500 kB of form
# fields (MAX_FORM_MEMORY_SIZE); 5,000 ordinary rows sign to about 230 kB.
MAX_CONFIRM_TOKEN = 450_000


@bp.app_context_processor
def _labels():
    return {"stage_labels": rules.STAGE_LABELS, "location_labels": rules.LOCATION_LABELS,
            "import_result_labels": IMPORT_RESULT_LABELS}


def _filters() -> rules.RosterFilters:
    args = request.args
    return rules.RosterFilters(q=args.get("q", "")[:100], stage=args.get("stage", ""),
                               department=args.get("department", "")[:120],
                               location=args.get("location", ""), role=args.get("role", ""),
                               sort=args.get("sort", "username"))


@bp.route("/classes/<int:class_id>/roster")
@login_required
def page(class_id: int):
    """The roster, PAGE_SIZE rows a page by keyset (`?after=`); the count is of every match."""
    school_class = load_class(class_id, "class.staff")
    filters = _filters()
    paging = page_request("after", PAGE_SIZE)
    entries = rules.roster(school_class, filters, utcnow())
    shown = rules.roster_page(entries, filters, **paging)
    shown.next_url = next_page_url(shown.next)
    first = next((n for n, entry in enumerate(entries) if shown.items and entry is shown.items[0]), 0)
    return render_template(
        "classes/roster_list.html", school_class=school_class, filters=filters, page=shown,
        entries=shown.items, total=len(entries), first=first + 1, last=first + len(shown.items),
        departments=rules.departments(school_class), stages=STAGES, locations=LOCATIONS,
        roles=CLASS_ROLES, args=_filter_args())


def _filter_args() -> dict[str, str]:
    """The query's filters and sort, to carry over into sort, page and export links."""
    return {key: request.args[key] for key in FILTER_KEYS if request.args.get(key)}


EXPORT_COLUMNS = (
    ("username", _l("Username")), ("display_name", _l("Name")), ("role", _l("Role")),
    ("stage", _l("Stage")), ("stage_date", _l("In this stage since")),
    ("student_no", _l("Student or staff number")), ("department", _l("Department or branch")),
    ("phone", _l("Phone")), ("email", _l("E-mail")), ("location", _l("Where the member is")),
    ("location_note", _l("Location note")), ("attendance_rate", _l("Attendance rate")),
    ("due", _l("Due to become")), ("staff_notes", _l("Notes (staff only)")),
)


def _export_value(entry: rules.RosterEntry, key: str):
    value = entry.value(key)
    if key in ("stage", "due") and value:
        return str(rules.STAGE_LABELS[value])
    if key == "location" and value:
        return str(rules.LOCATION_LABELS[value])
    if key == "role":
        return str(ROLE_LABELS[value])
    return value


@bp.route("/classes/<int:class_id>/roster.<any(csv, xlsx):kind>")
@login_required
def export(class_id: int, kind: str):
    """The roster with the page's filters, attendance rates and notes (staff only)."""
    school_class = load_class(class_id, "class.staff")
    entries = rules.roster(school_class, _filters(), utcnow())
    header = [str(label) for _key, label in EXPORT_COLUMNS]
    rows = [[_export_value(entry, key) for key, _label in EXPORT_COLUMNS] for entry in entries]
    stem = _("roster")  # outside the f-string, where the message extractor finds it
    return table_response(kind, f"{school_class.code}-{stem}", header, rows,
                          sheet_title=_("Roster"))


@bp.route("/classes/<int:class_id>/members/<username>", methods=["GET", "POST"])
@login_required
def member(class_id: int, username: str):
    """A member's record and stage history; graders read it, the head teacher edits it."""
    school_class = load_class(class_id, "class.manage" if request.method == "POST" else "class.staff")
    entry = load_member(school_class, username)
    membership = entry.membership
    form = MemberForm(obj=membership)
    if membership.stage is not None:  # a recorded stage is changed, never cleared
        form.stage.choices = form.stage.choices[1:]
    if membership.role not in ("member", "grader"):
        del form.role  # a head teacher's role is changed on the class settings page
    if form.validate_on_submit():
        changes = {name: getattr(form, name).data for name in rules.RECORD_FIELDS}
        changes["location"] = changes["location"] or None
        if form.stage.data:
            changes["stage"] = form.stage.data
        changes["stage_date"] = form.stage_date.data
        if "role" in form:
            changes["role"] = form.role.data
        updated = saved(form, lambda: rules.update_member(current_user, school_class, membership,
                                                          db.session.get(User, membership.user_id), changes,
                                                          utcnow().date()))
        if updated:
            for warning in updated.value.warnings:
                flash(warning, "warning")
            flash(_("The record was saved."), "info")
            return redirect(url_for("roster.member", class_id=class_id, username=entry.username))
    can_edit = allowed(current_user, "class.manage", school_class) and not school_class.read_only
    return render_template("classes/roster_member.html", school_class=school_class, entry=entry,
                           form=form, history=rules.stage_history(membership), can_edit=can_edit,
                           can_reset_password=can_edit and members.reset_refusal(
                               current_user, school_class, db.session.get(User, membership.user_id)) is None)


# ---- import ---------------------------------------------------------------------------------------

@bp.route("/classes/<int:class_id>/roster/import", methods=["GET", "POST"])
@login_required
def import_roster(class_id: int):
    """Upload, then a preview of every row; the confirm form carries the signed rows."""
    school_class = load_class(class_id, "class.manage")
    form = UploadForm()
    plan = confirm = None
    if form.validate_on_submit():
        parsed = read_roster_file(form.file.data.read(MAX_BYTES + 1), form.file.data.filename or "")
        plan = plan_import(school_class, parsed)
        if plan.file_errors:  # the file as a whole: an error of the file field
            form.file.errors = [*form.file.errors, *plan.file_errors]
        if plan.ok:
            token = sign_rows(school_class, current_user, parsed)
            if len(token) <= MAX_CONFIRM_TOKEN:
                confirm = ConfirmForm(token=token)
            else:
                flash(_("This file is too large to confirm in the browser: import it with the API "
                        "or the command line (flask classes import-roster)."), "error")
    return render_template("classes/roster_import.html", school_class=school_class, form=form,
                           plan=plan, confirm=confirm)


@bp.route("/classes/<int:class_id>/roster/import/confirm", methods=["POST"])
@login_required
def import_confirm(class_id: int):
    """Import the previewed rows (re-checked now) and show the password sheet, once."""
    school_class = load_class(class_id, "class.manage")
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        plan = plan_import(school_class, rows_from_token(school_class, current_user, form.token.data))
        if not plan.ok:  # the accounts changed since the preview: show why, import nothing
            flash(_("The roster no longer imports cleanly: nothing was imported."), "error")
            return render_template("classes/roster_import.html", school_class=school_class,
                                   form=UploadForm(), plan=plan, confirm=None), 422
        apply_import(current_user, school_class, plan)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("roster.import_roster", class_id=class_id))
    db.session.commit()
    response = render_template("classes/roster_passwords.html", school_class=school_class, plan=plan,
                               csv_href=_sheet_data_uri(school_class, plan))
    # The one-time passwords are in this response only: never cached, never stored.
    return response, 200, {"Cache-Control": "no-store"}


def sheet_rows(plan) -> tuple[list[str], list[list]]:
    header = [_("Username"), _("Name"), _("Student or staff number"), _("One-time password"), _("Log in at")]
    login_url = url_for("auth.login", _external=True)
    return header, [[r.username, r.values["display_name"], r.values.get("student_no"), r.password, login_url]
                    for r in plan.new_accounts]


def _sheet_data_uri(school_class, plan) -> str | None:
    """The password sheet as a CSV inside the page (a data: link): downloadable from this
    response only, with nothing kept on the server to fetch it again."""
    if not plan.new_accounts:
        return None
    header, rows = sheet_rows(plan)
    body = csv_response("sheet.csv", header, rows).get_data()
    return "data:text/csv;charset=utf-8;base64," + base64.b64encode(body).decode()


def class_page_panel(school_class, role):
    """On the class overview: the way to the roster for the class's staff."""
    if not allowed(current_user, "class.staff", school_class):
        return None
    return Markup(render_template("classes/roster_panel.html", school_class=school_class))
