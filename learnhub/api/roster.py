"""/api/v1/classes/{id}/roster and members: the same services as the roster pages."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from ..auth.models import User
from ..classes.loaders import load_class
from ..classes.models import STAGES
from ..classes.roster import services as rules
from ..classes.roster.files import MAX_BYTES, read_roster_file, template_table
from ..classes.roster.importer import apply_import, plan_import
from ..classes.roster.loaders import load_member
from ..classes.roster.policies import roster_role_refusal
from ..classes.services import FieldError
from ..core.api import ApiError, json_body, page_of, page_params
from ..core.exports import table_response
from ..core.types import utcnow
from ..extensions import db
from . import bp
from .classes import parse_date, reports_fields

PATCH_FIELDS = {"stage", "stage_date", "role", *rules.RECORD_FIELDS}


@bp.get("/classes/<int:class_id>/roster")
def get_roster(class_id: int):
    """Everyone in the class with their record and attendance rate (staff of the class)."""
    school_class = load_class(class_id, "class.staff")
    offset, limit = page_params()
    args = request.args
    if args.get("stage") and args["stage"] not in STAGES:
        raise ApiError(422, "invalid_field", _("Unknown stage; choose one of %(values)s.",
                                               values=", ".join(STAGES)))
    filters = rules.RosterFilters(q=args.get("q", "")[:100], stage=args.get("stage", ""),
                                  department=args.get("department", "")[:120],
                                  location=args.get("location", ""), role=args.get("role", ""),
                                  sort=args.get("sort", "username"))
    entries = rules.roster(school_class, filters, utcnow())
    return jsonify(page_of([rules.entry_json(e) for e in entries], offset, limit))


@bp.patch("/classes/<int:class_id>/members/<username>")
@reports_fields
def update_member(class_id: int, username: str):
    """Change a member's record (head teacher); `warnings` name broken minimum gaps."""
    school_class = load_class(class_id, "class.manage")
    data = json_body()
    unknown = sorted(set(data) - PATCH_FIELDS)
    if unknown:
        raise FieldError(unknown[0][:40], _("Unknown field '%(field)s'.", field=unknown[0][:40]))
    entry = load_member(school_class, username)
    changes = dict(data)
    if "stage" in changes and (not isinstance(changes["stage"], str) or changes["stage"] not in STAGES):
        raise FieldError("stage", _("Unknown stage; choose one of %(values)s.", values=", ".join(STAGES)))
    if changes.get("stage_date") is not None:
        changes["stage_date"] = parse_date(changes, "stage_date")
    if "role" in changes and (refusal := roster_role_refusal(changes["role"])) is not None:
        raise FieldError("role", refusal)
    result = rules.update_member(current_user, school_class, entry.membership,
                                 db.session.get(User, entry.membership.user_id), changes, utcnow().date())
    db.session.commit()
    body = rules.entry_json(rules.entry_for(school_class, entry.username, utcnow()))
    body["warnings"] = result.warnings
    return jsonify(body)


@bp.post("/classes/<int:class_id>/roster/import")
def import_roster(class_id: int):
    """A CSV or XLSX roster in the multipart field `file`; `?dry_run=1` only previews."""
    school_class = load_class(class_id, "class.manage")
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(422, "invalid_field", _("Send the roster file in the multipart field 'file'."))
    plan = plan_import(school_class, read_roster_file(upload.read(MAX_BYTES + 1), upload.filename or ""))
    dry_run = request.args.get("dry_run", "") in ("1", "true", "yes")
    if not plan.ok:
        message = "; ".join(plan.file_errors) or _("%(n)d rows have errors: nothing was imported.",
                                                    n=plan.count("error"))
        response = jsonify({"error": {"code": "invalid_roster", "message": message},
                            "rows": [r.as_json() for r in plan.rows], "file_errors": plan.file_errors,
                            "imported": 0})
        return response, 422
    if not dry_run:
        apply_import(current_user, school_class, plan)
        db.session.commit()
    response = jsonify({"rows": [r.as_json(with_password=True) for r in plan.rows],
                        "imported": plan.imported, "dry_run": dry_run})
    response.headers["Cache-Control"] = "no-store"  # one-time passwords
    return response


def _template(class_id: int, kind: str):
    """The roster import template, headers in the caller's language, one example row."""
    school_class = load_class(class_id, "class.manage")
    locale = get_locale()
    header, rows = template_table(locale.language if locale else "en")
    stem = _("roster-template")  # outside the f-string, where the extractor finds it
    return table_response(kind, f"{school_class.code}-{stem}", header, rows, sheet_title=_("Roster"))


@bp.get("/classes/<int:class_id>/roster/template.csv")
def roster_template_csv(class_id: int):
    return _template(class_id, "csv")


@bp.get("/classes/<int:class_id>/roster/template.xlsx")
def roster_template_xlsx(class_id: int):
    return _template(class_id, "xlsx")
