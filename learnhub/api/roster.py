"""/api/v1/classes/{id}/roster and members' records: the same services as the roster pages."""
from __future__ import annotations

from typing import Annotated, Literal, Optional

from flask import request
from flask_babel import get_locale, gettext as _, lazy_gettext as _l
from flask_login import current_user
from pydantic import BeforeValidator, ConfigDict, Field

from ..auth.models import User
from ..classes.loaders import load_class
from ..classes.models import CLASS_ROLES, LOCATIONS, STAGES
from ..classes.roster import services as rules
from ..classes.roster.files import MAX_BYTES, MAX_ROWS, read_roster_file, template_table
from ..classes.roster.importer import RESULTS, apply_import, plan_import
from ..classes.roster.loaders import load_member
from ..classes.roster.policies import ROSTER_ROLES
from ..core.errors import FieldError
from ..core.exports import table_response
from ..core.pagination import page_request
from ..core.types import utcnow
from ..extensions import db
from . import bp
from .classes import no_store, sent
from .schema import ApiDate, Body, ErrorBody, File, Out, Page, PageQuery, Query, declare

# ---- schemas -----------------------------------------------------------------------------------

def _blank_as_none(value):
    return None if value == "" else value


class RosterQuery(PageQuery):
    q: str = Field("", description="in username, name or student number")
    stage: Annotated[Optional[Literal[STAGES]], BeforeValidator(_blank_as_none)] = None
    department: str = ""
    # A location or role the roster does not know filters nothing, as on the roster page.
    location: str = Field("", json_schema_extra={"enum": list(LOCATIONS)})
    role: str = Field("", json_schema_extra={"enum": list(CLASS_ROLES)})
    sort: str = Field("username", description=f"a column ({', '.join(rules.SORT_KEYS)}); '-' before it "
                                              "sorts descending")


def _record(name: str):
    """A record field the roster service checks (lengths, the e-mail and phone patterns, the
    location), as on the record page: the model takes a string or null, the document states
    the length."""
    return Field(None, json_schema_extra={"maxLength": rules.FIELD_LIMITS[name]})


class MemberChange(Body):
    """Only the fields sent change; a null record field clears it."""

    model_config = ConfigDict(extra="forbid")  # a misspelt field is refused, not dropped

    stage: Literal[STAGES] = None  # sent, never null
    stage_date: Optional[ApiDate] = None
    role: Literal[ROSTER_ROLES] = None  # the head teacher is appointed on the class's settings page
    student_no: Optional[str] = _record("student_no")
    department: Optional[str] = _record("department")
    phone: Optional[str] = _record("phone")
    email: Optional[str] = _record("email")
    location: Optional[str] = Field(None, json_schema_extra={"enum": list(LOCATIONS)})
    location_note: Optional[str] = _record("location_note")
    staff_notes: Optional[str] = _record("staff_notes")


class RosterRow(Out):
    username: str
    display_name: str
    role: Literal[CLASS_ROLES]
    stage: Optional[Literal[STAGES]]
    stage_date: Optional[ApiDate]
    student_no: Optional[str]
    department: Optional[str]
    phone: Optional[str]
    email: Optional[str]
    location: Optional[Literal[LOCATIONS]]
    location_note: Optional[str]
    staff_notes: Optional[str] = Field(description="visible to the class's staff only")
    attendance_rate: Optional[float] = Field(description="0-1; null before any session has started")
    due: Optional[Literal[STAGES]] = Field(description="the next stage the member has waited long enough for")


class MemberRecord(RosterRow):
    """The member's row"""

    warnings: list[str] = Field(description="the party rules' minimum gaps this record breaks (never refused)")


class ImportQuery(Query):
    dry_run: str = Field("", json_schema_extra={"enum": ["0", "1"]},
                         description="1 (or true, yes): preview only, nothing is written")


class ImportRow(Out):
    row: int = Field(description="the spreadsheet's row number (the header is row 1)")
    username: str
    result: Literal[RESULTS]
    message: str
    password: str = Field(None, description="new accounts only, and only when imported (not a dry run): "
                                            "the one-time password")


class RosterImport(Out):
    """Each row's result (never cached: Cache-Control no-store)"""

    rows: list[ImportRow]
    imported: int
    dry_run: bool


class RosterRefused(ErrorBody):
    """An error; invalid_roster (a row or the file has errors, nothing is written) adds the rows"""

    rows: list[ImportRow] = None
    file_errors: list[str] = None
    imported: int = None


TAGS = ("roster",)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---- routes ------------------------------------------------------------------------------------

@bp.get("/classes/<int:class_id>/roster")
@declare("The class's roster with records and attendance rates (staff of the class)", query=RosterQuery,
         responses={200: Page[RosterRow]}, errors=(400, 403, 404), tags=TAGS)
def get_roster(class_id: int, query: RosterQuery):
    school_class = load_class(class_id, "class.staff")
    paging = page_request()
    filters = rules.RosterFilters(q=query.q[:100], stage=query.stage or "", department=query.department[:120],
                                  location=query.location, role=query.role, sort=query.sort)
    # Attendance rates, due stages and the sorts on them are computed in Python: the sorted
    # list is paged by keyset, as the roster page does (rules.roster_page).
    page = rules.roster_page(rules.roster(school_class, filters, utcnow()), filters, **paging)
    page.items = [rules.entry_json(entry) for entry in page.items]
    return page


@bp.patch("/classes/<int:class_id>/members/<username>")
@declare("Change a member's record (head teacher); every stage change is kept in a history; dates "
         "breaking the minimum gaps give warnings, never a refusal", body=MemberChange,
         responses={200: MemberRecord}, errors=(403, 404, 409), tags=TAGS)
def update_member(class_id: int, username: str, body: MemberChange):
    school_class = load_class(class_id, "class.manage")
    entry = load_member(school_class, username)
    result = rules.update_member(current_user, school_class, entry.membership,
                                 db.session.get(User, entry.membership.user_id),
                                 sent(body), utcnow().date())
    db.session.commit()
    return {**rules.entry_json(rules.entry_for(school_class, entry.username, utcnow())),
            "warnings": result.warnings}


@bp.post("/classes/<int:class_id>/roster/import")
@no_store
@declare("Import a CSV or XLSX roster (head teacher): all rows or none; ?dry_run=1 previews. New "
         "accounts' one-time passwords are in the response's rows (not on a dry run); they must change "
         "them at first login. Without a username column (or with an empty cell) the username is the "
         "student number (学号) lower-cased; messages name columns as the file's header does",
         query=ImportQuery, uploads={"file": f"UTF-8 (BOM or not) or GB18030 CSV, or XLSX; at most "
                                             f"{MAX_ROWS:,} rows and {MAX_BYTES // 2**20} MB"},
         responses={200: RosterImport, 422: RosterRefused}, errors=(403, 404, 409), tags=TAGS)
def import_roster(class_id: int, query: ImportQuery):
    school_class = load_class(class_id, "class.manage")
    upload = request.files.get("file")
    if upload is None:
        raise FieldError("file", _l("Send the roster file in the multipart field 'file'."))
    plan = plan_import(school_class, read_roster_file(upload.read(MAX_BYTES + 1), upload.filename or ""))
    if not plan.ok:
        message = "; ".join(plan.file_errors) or _("%(n)d rows have errors: nothing was imported.",
                                                    n=plan.count("error"))
        return {"error": {"code": "invalid_roster", "message": message}, "rows": [r.as_json() for r in plan.rows],
                "file_errors": plan.file_errors, "imported": 0}, 422
    dry_run = query.dry_run in ("1", "true", "yes")
    if not dry_run:
        apply_import(current_user, school_class, plan)
        db.session.commit()
    return {"rows": [r.as_json(with_password=True) for r in plan.rows], "imported": plan.imported,
            "dry_run": dry_run}


def _template(class_id: int, kind: str):
    """The roster import template, headers in the caller's language, one example row."""
    school_class = load_class(class_id, "class.manage")
    locale = get_locale()
    header, rows = template_table(locale.language if locale else "en")
    stem = _("roster-template")  # outside the f-string, where the extractor finds it
    return table_response(kind, f"{school_class.code}-{stem}", header, rows, sheet_title=_("Roster"))


TEMPLATE = ("The roster import template as {kind} (head teacher): headers in the caller's language "
            "(姓名, 学号, 手机, ... in Chinese), one example row; the username column may stay empty")


@bp.get("/classes/<int:class_id>/roster/template.csv")
@declare(TEMPLATE.format(kind="CSV"), responses={200: File("text/csv", "The template (CSV download)")},
         errors=(403, 404), tags=TAGS)
def roster_template_csv(class_id: int):
    return _template(class_id, "csv")


@bp.get("/classes/<int:class_id>/roster/template.xlsx")
@declare(TEMPLATE.format(kind="XLSX"), responses={200: File(XLSX, "The template (XLSX download)")},
         errors=(403, 404), tags=TAGS)
def roster_template_xlsx(class_id: int):
    return _template(class_id, "xlsx")
