"""Importing a roster: each row's result (preview), then all rows in one transaction.

A row is `new_account`, `enrolled` (an existing account joins the class),
`already_enrolled` (nothing changes for it) or `error` with the reason. One error row, or
one file-level error, and nothing is written. Planning takes a fixed number of queries
whatever the number of rows, so a 2,000-row file previews and imports in seconds.

Between the page's preview and its confirm the rows travel in a signed token (see
`sign_rows`): nothing is kept in a worker's memory or on one host's disk.
"""
from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import insert, select
from werkzeug.security import generate_password_hash

from ...auth.models import User
from ...auth.services import USERNAME_PATTERN
from ...core.audit import audit
from ...core.database import savepoint
from ...core.errors import DomainError
from ...core.permissions import allowed
from ...core.signals import member_enrolled
from ...core.text import is_valid_text
from ...core.types import utcnow
from ...extensions import db
from .. import services
from ..models import STAGES, Membership, SchoolClass
from .files import COLUMNS, FileRow, ParsedFile
from .models import StageChange
from .services import EMAIL_PATTERN, FIELD_LIMITS, PHONE_PATTERN, stage_date_problem

Label = Callable[[str], str]  # a column's name as the file writes it (ParsedFile.label)

RESULTS = ("new_account", "enrolled", "already_enrolled", "error")
# Stage cells: the English codes, the Chinese names, and the English labels.
STAGE_VALUES = {
    **{code: code for code in STAGES},
    "入党申请人": "applicant", "申请人": "applicant",
    "入党积极分子": "activist", "积极分子": "activist",
    "发展对象": "candidate",
    "预备党员": "probationary", "probationary member": "probationary",
    "正式党员": "full_member", "full member": "full_member",
}
# Role cells: empty is a member. A grader must already have a staff-capable account.
ROLE_VALUES = {"member": "member", "学员": "member", "成员": "member",
               "grader": "grader", "阅卷人": "grader", "阅卷老师": "grader", "阅卷": "grader"}
# 2025-09-01, 2025/9/1, 2025.9.1, 2025年9月1日, and Excel's CSV of a date cell ("2025/9/1 0:00").
DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                          r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2})?)?$")
DISPLAY_NAME_MAX = 120
# Readable on paper: no 0/O, 1/l/I. 16 of 31 symbols is about 79 bits of entropy.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PASSWORD_SYMBOLS = 16
TOKEN_MAX_AGE = 3600  # seconds between the preview and its confirm
CHUNK = 500  # names per IN (...) list


class RosterImportError(DomainError):
    status, code = 422, "invalid_roster"


class PreviewExpired(DomainError):
    status, code = 400, "preview_expired"


@dataclass
class RowPlan:
    row: int
    username: str
    result: str
    message: str = ""
    values: dict = field(default_factory=dict)
    user_id: int | None = None
    password: str | None = None  # new accounts, once imported

    def as_json(self, with_password: bool = False) -> dict:
        body = {"row": self.row, "username": self.username, "result": self.result,
                "message": self.message}
        if with_password and self.password:
            body["password"] = self.password
        return body


@dataclass
class ImportPlan:
    rows: list[RowPlan]
    file_errors: list[str] = field(default_factory=list)
    imported: int = 0

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(r.result == "error" for r in self.rows)

    def count(self, result: str) -> int:
        return sum(1 for r in self.rows if r.result == result)

    @property
    def new_accounts(self) -> list[RowPlan]:
        return [r for r in self.rows if r.result == "new_account"]

    @property
    def errors_first(self) -> list[RowPlan]:
        """The rows to look at first (errors), then the others, each in the file's order."""
        return sorted(self.rows, key=lambda r: r.result != "error")


# ---- one row's values ----------------------------------------------------------------------------

def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().replace("_", " ").split())


def _parse_day(text: str) -> date | None:
    match = DATE_PATTERN.match(text)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def username_from_number(number: str) -> str | None:
    """The username made for a file without one: the student number itself, lower-cased,
    when it is a valid username (2-64 letters, digits, '.', '_', '-'), else None."""
    candidate = number.strip().lower()
    return candidate if USERNAME_PATTERN.match(candidate) else None


def clean_row(values: dict[str, str], label: Label = str, has_username: bool = True) -> tuple[dict, str | None]:
    """(cleaned values, None) or (partial values, the reason the row is refused).

    `cleaned["derived"]` says the username was made from the student number."""
    for name, value in values.items():
        if not is_valid_text(value):
            return values, str(_l("The column %(column)s holds characters that cannot be stored.",
                                  column=label(name)))
    username = values.get("username", "").strip().lower()
    display_name = values.get("display_name", "").strip()
    number = values.get("student_no", "").strip()
    cleaned = {"username": username, "display_name": display_name, "derived": False}
    if not username and number:
        username = username_from_number(number)
        if username is None:
            return cleaned, str(_l("The %(column)s '%(value)s' cannot be a username (2-64 letters, digits, "
                                   "'.', '_' or '-'): give this row a %(username)s.", column=label("student_no"),
                                   value=number[:64], username=label("username")))
        cleaned.update(username=username, derived=True)
    if not username:
        return cleaned, str(_l("Missing field: %(column)s.", column=label(
            "username" if has_username else "student_no")))
    if not display_name:
        return cleaned, str(_l("Missing field: %(column)s.", column=label("display_name")))
    if not USERNAME_PATTERN.match(username):
        return cleaned, str(_l("The username '%(name)s' is not valid: 2-64 letters, digits, '.', '_' or '-'.",
                               name=username[:64]))
    if len(display_name) > DISPLAY_NAME_MAX:
        return cleaned, str(_l("The %(column)s is longer than %(n)d characters.", column=label("display_name"),
                               n=DISPLAY_NAME_MAX))
    for name in ("student_no", "department", "phone", "email"):
        value = values.get(name, "").strip()
        if len(value) > FIELD_LIMITS[name]:
            return cleaned, str(_l("The %(column)s is longer than %(n)d characters.", column=label(name),
                                   n=FIELD_LIMITS[name]))
        cleaned[name] = value or None
    if cleaned["email"] and not EMAIL_PATTERN.match(cleaned["email"]):
        return cleaned, str(_l("Bad e-mail address '%(value)s'.", value=cleaned["email"][:80]))
    if cleaned["phone"] and not PHONE_PATTERN.match(cleaned["phone"]):
        return cleaned, str(_l("Bad phone number '%(value)s'.", value=cleaned["phone"][:40]))
    stage_text = values.get("stage", "").strip()
    cleaned["stage"] = STAGE_VALUES.get(_key(stage_text)) if stage_text else None
    if stage_text and cleaned["stage"] is None:
        return cleaned, str(_l("Unknown stage '%(value)s'.", value=stage_text[:40]))
    day_text = values.get("stage_date", "").strip()
    cleaned["stage_date"] = _parse_day(day_text) if day_text else None
    if day_text and cleaned["stage_date"] is None:
        return cleaned, str(_l("Bad %(column)s '%(value)s': write it like 2025-09-01.",
                               column=label("stage_date"), value=day_text[:40]))
    if (problem := stage_date_problem(cleaned["stage_date"])) is not None:
        return cleaned, str(problem)
    if cleaned["stage_date"] and not cleaned["stage"]:
        return cleaned, str(_l("A %(date)s needs a %(stage)s.", date=label("stage_date"), stage=label("stage")))
    role_text = values.get("role", "").strip()
    cleaned["role"] = ROLE_VALUES.get(_key(role_text)) if role_text else "member"
    if cleaned["role"] is None:
        return cleaned, str(_l("Unknown role '%(value)s': member (学员) or grader (阅卷人).", value=role_text[:40]))
    return cleaned, None


# ---- the plan ------------------------------------------------------------------------------------

def _chunks(items: list) -> list[list]:
    return [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]


def plan_import(school_class: SchoolClass, parsed: ParsedFile) -> ImportPlan:
    """Each row's result; nothing is written. A fixed number of queries per 500 names."""
    if parsed.errors:
        return ImportPlan(rows=[], file_errors=list(parsed.errors))
    plans: list[RowPlan] = []
    first_row_of: dict[tuple[str, str], int] = {}
    for file_row in parsed.rows:
        cleaned, error = clean_row(file_row.values, parsed.label, parsed.has("username"))
        plan = RowPlan(file_row.row, cleaned.get("username", ""), "error" if error else "", error or "", cleaned)
        plans.append(plan)
        # A username made from the number repeats exactly when the number does: name the number.
        for column in ("student_no", "username") if cleaned.get("derived") else ("username", "student_no"):
            value = cleaned.get(column)
            if not value:
                continue
            first = first_row_of.setdefault((column, value), file_row.row)
            if first != file_row.row and not plan.result:
                plan.result = "error"
                plan.message = str(_l("Duplicate in the file: the same %(column)s as row %(row)d.",
                                      column=parsed.label(column), row=first))
    _check_against_database(school_class, [p for p in plans if not p.result], parsed.label)
    return ImportPlan(rows=plans)


def _check_against_database(school_class: SchoolClass, plans: list[RowPlan], label: Label = str) -> None:
    usernames = [p.username for p in plans]
    users: dict[str, User] = {}
    for chunk in _chunks(usernames):
        users.update({u.username: u for u in db.session.scalars(select(User).where(User.username.in_(chunk)))})
    user_ids = [u.id for u in users.values()]
    # Every membership of these accounts (any class): their role here and the numbers on record.
    enrolled: dict[int, Membership] = {}
    numbers_on_record: dict[int, set[str]] = {}
    for chunk in _chunks(user_ids):
        for membership in db.session.scalars(select(Membership).where(Membership.user_id.in_(chunk))):
            if membership.class_id == school_class.id:
                enrolled[membership.user_id] = membership
            if membership.student_no:
                numbers_on_record.setdefault(membership.user_id, set()).add(membership.student_no)
    # Numbers already used in this class, and by whom.
    numbers = [p.values["student_no"] for p in plans if p.values.get("student_no")]
    number_holder: dict[str, int] = {}
    for chunk in _chunks(numbers):
        number_holder.update(db.session.execute(
            select(Membership.student_no, Membership.user_id).where(
                Membership.class_id == school_class.id, Membership.student_no.in_(chunk))).all())
    for plan in plans:
        user = users.get(plan.username)
        number = plan.values.get("student_no")
        holder = number_holder.get(number) if number else None
        if user is not None:
            plan.user_id = user.id
            recorded = numbers_on_record.get(user.id, set())
            if plan.values.get("derived") and number not in recorded:
                # Made from the number: the same person only if the account has that number
                # on record; anyone else who happens to have that username is not them.
                plan.result, plan.message = "error", str(_l(
                    "The username %(name)s (made from the %(column)s) belongs to another account: give "
                    "this row a %(username)s.", name=plan.username, column=label("student_no"),
                    username=label("username")))
            elif number and recorded and number not in recorded:
                plan.result, plan.message = "error", str(_l(
                    "The username %(name)s is taken by a different person: that account has another "
                    "student number on record.", name=plan.username))
            elif holder is not None and holder != user.id:
                plan.result, plan.message = "error", str(_l(
                    "The %(column)s %(number)s belongs to another member of this class.",
                    column=label("student_no"), number=number))
            elif user.id in enrolled:
                plan.result, plan.message = "already_enrolled", str(_l(
                    "Already in the class (nothing is changed)."))
            elif plan.values["role"] == "grader" and not allowed(user, "class.be_staff"):
                plan.result, plan.message = "error", str(_l(
                    "Only staff, instructor or admin accounts can be graders."))
            else:
                plan.result, plan.message = "enrolled", str(_l("Existing account, enrolled."))
        elif holder is not None:
            plan.result, plan.message = "error", str(_l(
                "The %(column)s %(number)s belongs to another member of this class.",
                column=label("student_no"), number=number))
        elif plan.values["role"] == "grader":
            plan.result, plan.message = "error", str(_l(
                "A grader needs an existing staff account: create it first."))
        else:
            plan.result, plan.message = "new_account", str(_l("New account."))


# ---- importing -----------------------------------------------------------------------------------

def one_time_password() -> str:
    """16 symbols of PASSWORD_ALPHABET from 128 random bits, in groups of four."""
    number = int.from_bytes(secrets.token_bytes(16), "big")
    symbols = []
    for _ in range(PASSWORD_SYMBOLS):
        number, digit = divmod(number, len(PASSWORD_ALPHABET))
        symbols.append(PASSWORD_ALPHABET[digit])
    return "-".join("".join(symbols[i:i + 4]) for i in range(0, PASSWORD_SYMBOLS, 4))


def hash_one_time_password(password: str) -> str:
    # A fast hash on purpose: scrypt for 2,000 accounts takes minutes. Slow hashes protect
    # guessable human passwords; these are random with ~79 bits of entropy, out of reach
    # of brute force even at pbkdf2 speed, and live only until the first login, when the
    # member's own password is hashed with the normal method (auth.services.hash_password).
    return generate_password_hash(password, method="pbkdf2:sha256:1000")


def apply_import(actor, school_class: SchoolClass, plan: ImportPlan) -> ImportPlan:
    """Write the plan in the caller's transaction; a plan with any error writes nothing."""
    services.ensure_writable(school_class)
    if not plan.ok:
        raise RosterImportError(_l("The roster has errors: nothing was imported."))
    changed = RosterImportError(_l("The accounts changed since the preview: preview the file again."))
    now = utcnow()
    # Bulk INSERT ... RETURNING (ids in the rows' order): a 2,000-row roster is a few
    # batched statements, not 6,000 unit-of-work objects.
    new_accounts = plan.new_accounts
    for row in new_accounts:
        row.password = one_time_password()
    with savepoint(db.session, changed):
        ids = db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), [
            {"username": row.username, "display_name": row.values["display_name"],
             "password_hash": hash_one_time_password(row.password), "role": "member",
             "must_change_password": True, "active": True, "time_factor": 1.0,
             "created_at": now, "updated_at": now}
            for row in new_accounts]).all() if new_accounts else []
    for row, user_id in zip(new_accounts, ids, strict=True):  # RETURNING: one id per row
        row.user_id = user_id
    joining = [r for r in plan.rows if r.result in ("new_account", "enrolled")]
    records = [{"class_id": school_class.id, "user_id": r.user_id, "role": r.values["role"],
                "stage": r.values["stage"], "stage_date": r.values["stage_date"],
                "student_no": r.values["student_no"], "department": r.values["department"],
                "phone": r.values["phone"], "email": r.values["email"], "enrolled_at": now,
                "created_at": now, "updated_at": now} for r in joining]
    with savepoint(db.session, changed):
        membership_ids = db.session.scalars(
            insert(Membership).returning(Membership.id, sort_by_parameter_order=True),
            records).all() if records else []
    # The history starts with the stage the roster recorded.
    history = [{"membership_id": membership_id, "from_stage": None, "to_stage": record["stage"],
                "stage_date": record["stage_date"], "changed_by_id": getattr(actor, "id", None),
                "changed_at": now}
               for membership_id, record in zip(membership_ids, records, strict=True) if record["stage"]]
    if history:
        db.session.execute(insert(StageChange), history)
    app = current_app._get_current_object()
    for record in records:
        member_enrolled.send(app, class_id=school_class.id, user_id=record["user_id"])
    plan.imported = len(records)
    audit(actor, "class.roster_import", school_class, new_accounts=len(plan.new_accounts),
          enrolled=plan.count("enrolled"), already_enrolled=plan.count("already_enrolled"))
    db.session.flush()
    services.forget_roles()
    return plan


# ---- between preview and confirm -----------------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="learnhub.roster-import")


def sign_rows(school_class: SchoolClass, actor, parsed: ParsedFile) -> str:
    """The previewed rows, signed for this class and this staff member (zlib-compressed by
    itsdangerous): the confirm imports exactly what was previewed, re-checked then."""
    rows = [[r.row, *(r.values[name] for name in COLUMNS)] for r in parsed.rows]
    return _serializer().dumps({"c": school_class.id, "u": actor.id, "rows": rows, "h": parsed.headers})


def rows_from_token(school_class: SchoolClass, actor, token: str) -> ParsedFile:
    expired = PreviewExpired(_l("The preview has expired or is not valid: upload the file again."))
    try:
        data = _serializer().loads(token or "", max_age=TOKEN_MAX_AGE)
    except BadData:
        raise expired from None
    if data.get("c") != school_class.id or data.get("u") != actor.id:
        raise expired
    return ParsedFile(rows=[FileRow(row[0], dict(zip(COLUMNS, row[1:], strict=False))) for row in data["rows"]],
                      headers=data.get("h") or {})
