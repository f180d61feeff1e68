"""/api/v1/classes: the party school's classes (the same services as the class pages)."""
from __future__ import annotations

from datetime import date
from functools import wraps

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.services import get_user_by_username
from ..classes import copying, services
from ..classes.loaders import load_class
from ..classes.presenters import class_detail, class_summary
from ..classes.roster import members
from ..core.api import ApiError, json_body, page_of, page_params, require_string
from ..core.errors import DomainError
from ..core.permissions import allowed
from ..extensions import db
from . import bp


def reports_fields(view):
    """A FieldError answers 422 `invalid_field` with "fields": {name: message} (API.md)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except services.FieldError as error:
            db.session.rollback()
            return jsonify({"error": {"code": error.code, "message": error.message,
                                      "fields": error.fields}}), error.status
    return wrapped


def string_field(data: dict, field: str, max_length: int = 200) -> str:
    """A required non-empty string, or a FieldError naming `field`."""
    try:
        return require_string(data, field, max_length)
    except DomainError as error:
        raise services.FieldError(field, error.message) from None


def parse_date(data: dict, field: str) -> date:
    value = data.get(field)
    try:
        parsed = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise services.FieldError(field, _("'%(field)s' must be a date like 2026-09-01.", field=field))
    return parsed


def term_fields(data: dict) -> tuple[str, str, date, date]:
    """(name, code, starts_on, ends_on) of a new class, made or copied; every field at fault
    named at once (members.FieldErrors)."""
    readers = {"name": lambda: string_field(data, "name", 200), "code": lambda: string_field(data, "code", 32),
               "starts_on": lambda: parse_date(data, "starts_on"), "ends_on": lambda: parse_date(data, "ends_on")}
    values, errors = {}, {}
    for field, read in readers.items():
        try:
            values[field] = read()
        except services.FieldError as error:
            errors[field] = error.message
    if errors:
        raise members.FieldErrors(errors)
    return values["name"], values["code"], values["starts_on"], values["ends_on"]


@bp.get("/classes")
def list_classes():
    offset, limit = page_params()
    rows = services.classes_for(current_user)
    return jsonify(page_of([class_summary(r.school_class, r.role, r.members_count) for r in rows],
                           offset, limit))


@bp.post("/classes")
@reports_fields
def create_class():
    if not allowed(current_user, "class.create"):
        raise ApiError(403, "forbidden", _("Only staff and administrators create classes."))
    data = json_body()
    name, code, starts_on, ends_on = term_fields(data)
    description = data.get("description", "")
    if not isinstance(description, str):
        raise services.FieldError("description", _("'description' must be a string."))
    courses = data.get("courses", [])
    if not isinstance(courses, list) or not all(isinstance(c, str) for c in courses):
        raise services.FieldError("courses", _("'courses' must be a list of course slugs."))
    school_class = services.create_class(current_user, name, code, starts_on, ends_on,
                                         description, courses)
    db.session.commit()
    return jsonify(class_detail(current_user, school_class)), 201


@bp.get("/classes/<int:class_id>")
def get_class(class_id: int):
    return jsonify(class_detail(current_user, load_class(class_id)))


# ---- one member at a time (head teacher) ---------------------------------------------------

@bp.post("/classes/<int:class_id>/members")
@reports_fields
def add_member(class_id: int):
    """One person without a file: 201 {"username", "password"}; "password" is null for an
    existing account (it keeps its own)."""
    school_class = load_class(class_id, "class.manage")
    data = json_body()
    unknown = sorted(set(data) - set(members.MEMBER_FIELDS))
    if unknown:
        raise members.FieldErrors({name[:40]: _("Unknown field.") for name in unknown})
    added = members.add_member(current_user, school_class, data)
    db.session.commit()
    response = jsonify({"username": added.user.username, "password": added.password})
    response.headers["Cache-Control"] = "no-store"  # a one-time password
    return response, 201


@bp.post("/classes/<int:class_id>/members/<username>/password")
def reset_member_password(class_id: int, username: str):
    """A new one-time password for a member (members only; 403 for staff accounts)."""
    school_class = load_class(class_id, "class.manage")
    user = get_user_by_username(username)
    if user is None or services.class_role(user.id, school_class.id) is None:
        raise ApiError(404, "not_found", _("%(name)s is not in this class.", name=username[:64]))
    password = members.reset_member_password(current_user, school_class, user)
    db.session.commit()
    response = jsonify({"username": user.username, "password": password})
    response.headers["Cache-Control"] = "no-store"
    return response


# ---- the next term ---------------------------------------------------------------------------

@bp.post("/classes/<int:class_id>/copy")
@reports_fields
def copy_class(class_id: int):
    """The next term's class (staff of this class who may create classes): 201 class."""
    source = load_class(class_id, "class.staff")
    if not allowed(current_user, "class.create"):
        raise ApiError(403, "forbidden", _("Only staff and administrators create classes."))
    name, code, starts_on, ends_on = term_fields(json_body())
    copied = copying.copy_class(current_user, source, name, code, starts_on, ends_on)
    db.session.commit()
    body = class_detail(current_user, copied.school_class)
    body.update(exams_copied=copied.exams, sessions_copied=copied.sessions,
                exams_left_out=copied.skipped_exams)
    return jsonify(body), 201
