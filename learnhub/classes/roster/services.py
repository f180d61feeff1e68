"""The class roster and members' records: listing, flags, edits and the stage history.

Functions take explicit arguments and flush; the caller commits.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ...auth.models import User
from ...core.audit import audit
from ...core.database import savepoint
from ...core.pagination import Key, Page, page_of_sorted
from ...core.permissions import allowed
from ...core.text import is_valid_text
from ...extensions import db
from .. import services
from ..attendance.stats import attendance_rates
from ..models import CLASS_ROLES, LOCATIONS, STAGES, Membership, SchoolClass
from .models import StageChange
from .policies import roster_role_refusal

STAGE_LABELS = {
    "applicant": _l("Applicant"),            # 入党申请人
    "activist": _l("Activist"),              # 入党积极分子
    "candidate": _l("Candidate"),            # 发展对象
    "probationary": _l("Probationary member"),  # 预备党员
    "full_member": _l("Full member"),        # 正式党员
}
LOCATION_LABELS = {
    "on_campus": _l("On campus"),
    "away": _l("Away (internship or exchange)"),
    "graduated": _l("Graduated"),
}
# The step a member in this stage is waiting for, and how long the rules make them wait.
NEXT_STEP = {"activist": "candidate", "probationary": "full_member"}
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
PHONE_PATTERN = re.compile(r"^[0-9+\-() ]{3,32}$")
FIELD_LIMITS = {"student_no": 32, "department": 120, "phone": 32, "email": 254,
                "location_note": 200, "staff_notes": 5000}
SORT_KEYS = ("username", "display_name", "role", "stage", "stage_date", "student_no", "department",
             "phone", "location", "attendance_rate", "due")


class RosterError(services.FieldError):
    """422 `invalid_field` naming the record field the rules refuse."""


class DuplicateStudentNo(services.ClassError):
    """409: another member of the class has this student number (a unique index holds it)."""

    status, code = 409, "duplicate_student_no"


def duplicate_student_no(number: str) -> DuplicateStudentNo:
    return DuplicateStudentNo(_l("The student number %(number)s belongs to another member of this class.",
                                 number=number))


def check_student_no_free(school_class: SchoolClass, number: str | None, user_id: int | None) -> None:
    """The clear answer before writing; the unique index is what holds under races (every
    write of student_no is also flushed inside `savepoint(..., duplicate_student_no(...))`)."""
    if not number:
        return
    holder = db.session.scalar(select(Membership.user_id).where(
        Membership.class_id == school_class.id, Membership.student_no == number))
    if holder is not None and holder != user_id:
        raise duplicate_student_no(number)


# Stage dates a record may hold: the party was founded in 1921; a date after 2100 is a typo.
# (Future dates within the range are kept, with a warning: see gap_warnings.)
FIRST_STAGE_DATE = date(1921, 1, 1)
LAST_STAGE_DATE = date(2100, 12, 31)


def stage_date_problem(day: date | None):
    """Why `day` cannot be a stage date (a lazy message), or None. Shared by the record's
    edits (update_member) and the roster import (roster_import.clean_row)."""
    if day is not None and not FIRST_STAGE_DATE <= day <= LAST_STAGE_DATE:
        return _l("The stage date %(day)s is not between %(first)s and %(last)s.", day=day.isoformat(),
                  first=FIRST_STAGE_DATE.isoformat(), last=LAST_STAGE_DATE.isoformat())
    return None


def one_year_after(day: date) -> date:
    """A year later; date.max at the end of the calendar (a record with a far date still lists)."""
    if day.year >= date.max.year:
        return date.max
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February: the year is up on 1 March
        return date(day.year + 1, 3, 1)


def next_step_due(stage: str | None, stage_date: date | None, today: date) -> str | None:
    """The stage the member may now move to ("candidate", "full_member"), or None.

    Due once a full year has passed since stage_date: a year as activist before becoming
    a candidate, a year of probation before full membership.
    """
    if stage not in NEXT_STEP or stage_date is None:
        return None
    return NEXT_STEP[stage] if today >= one_year_after(stage_date) else None


# ---- the roster list ------------------------------------------------------------------------

@dataclass
class RosterFilters:
    q: str = ""
    stage: str = ""
    department: str = ""
    location: str = ""
    role: str = ""
    sort: str = "username"

    @property
    def sort_key(self) -> str:
        key = self.sort.lstrip("-")
        return key if key in SORT_KEYS else "username"

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")


@dataclass
class RosterEntry:
    membership: Membership
    username: str
    display_name: str
    attendance_rate: float | None
    due: str | None

    def value(self, key: str):
        if key in ("username", "display_name", "attendance_rate", "due"):
            return getattr(self, key)
        return getattr(self.membership, key)


def sort_value(entry: RosterEntry, key: str):
    """What the roster's sort on `key` orders by (None sorts last); the API's cursor holds it."""
    value = entry.value(key)
    if key == "stage":
        return STAGES.index(value) if value in STAGES else None
    if key == "role":
        return CLASS_ROLES.index(value)
    if isinstance(value, str):
        return value.casefold()
    return value


def sort_entries(entries: list[RosterEntry], key: str, descending: bool = False) -> list[RosterEntry]:
    """Sorted by `key`, empty values last in either direction, username breaking ties."""
    entries = sorted(entries, key=lambda e: e.username)
    present = [e for e in entries if sort_value(e, key) is not None]
    missing = [e for e in entries if sort_value(e, key) is None]
    present.sort(key=lambda e: sort_value(e, key), reverse=descending)
    return present + missing


def roster(school_class: SchoolClass, filters: RosterFilters, now: datetime) -> list[RosterEntry]:
    """Everyone in the class who matches the filters, sorted: three queries whatever the size
    (the memberships with their users, and the two of attendance_rates)."""
    statement = (select(Membership, User.username, User.display_name)
                 .join(User, User.id == Membership.user_id)
                 .where(Membership.class_id == school_class.id))
    if filters.q:
        needle = filters.q.strip().lower()
        statement = statement.where(
            func.lower(User.username).contains(needle, autoescape=True)
            | func.lower(User.display_name).contains(needle, autoescape=True)
            | func.lower(Membership.student_no).contains(needle, autoescape=True))
    if filters.stage in STAGES:
        statement = statement.where(Membership.stage == filters.stage)
    if filters.department:
        statement = statement.where(Membership.department == filters.department)
    if filters.location in LOCATIONS:
        statement = statement.where(Membership.location == filters.location)
    if filters.role in CLASS_ROLES:
        statement = statement.where(Membership.role == filters.role)
    rows = db.session.execute(statement).all()
    rates = attendance_rates(school_class.id, now) if rows else {}
    today = now.date()
    entries = [RosterEntry(membership, username, display_name, rates.get(membership.user_id),
                           next_step_due(membership.stage, membership.stage_date, today))
               for membership, username, display_name in rows]
    return sort_entries(entries, filters.sort_key, filters.descending)


def roster_page(entries: list[RosterEntry], filters: RosterFilters, limit: int,
                cursor: str | None) -> Page:
    """One keyset page of the sorted roster (a cursor holds the sort's value and the username,
    so a member added or removed before it neither repeats nor skips a row); the sort is the
    cursor's context: a cursor of another sort is a 400."""
    key, descending = filters.sort_key, filters.descending
    keys = [Key(lambda entry: sort_value(entry, key), desc=descending), Key(lambda entry: entry.username)]
    return page_of_sorted(entries, keys, in_order=True, context=("-" if descending else "") + key,
                          limit=limit, cursor=cursor)


def departments(school_class: SchoolClass) -> list[str]:
    """The departments or branches recorded in the class (for the filter)."""
    return list(db.session.scalars(
        select(Membership.department).where(Membership.class_id == school_class.id,
                                            Membership.department.is_not(None),
                                            Membership.department != "")
        .distinct().order_by(Membership.department)))


def entry_for(school_class: SchoolClass, username: str, now: datetime) -> RosterEntry | None:
    row = db.session.execute(
        select(Membership, User.username, User.display_name)
        .join(User, User.id == Membership.user_id)
        .where(Membership.class_id == school_class.id, User.username == (username or "").lower())).first()
    if row is None:
        return None
    membership = row[0]
    rate = attendance_rates(school_class.id, now).get(membership.user_id)
    return RosterEntry(membership, row[1], row[2], rate,
                       next_step_due(membership.stage, membership.stage_date, now.date()))


def entry_json(entry: RosterEntry) -> dict:
    """A roster row as the API shows it (staff only: it carries the staff notes)."""
    m = entry.membership
    return {"username": entry.username, "display_name": entry.display_name, "role": m.role,
            "stage": m.stage, "stage_date": m.stage_date.isoformat() if m.stage_date else None,
            "student_no": m.student_no, "department": m.department, "phone": m.phone,
            "email": m.email, "location": m.location, "location_note": m.location_note,
            "staff_notes": m.staff_notes, "attendance_rate": entry.attendance_rate,
            "due": entry.due}


# ---- the stage history -------------------------------------------------------------------------

@dataclass
class HistoryItem:
    change: StageChange
    changed_by: str | None  # the display name of who made the change (None: the system, or deleted)


def stage_history(membership: Membership) -> list[HistoryItem]:
    """Newest first, with the name (display name) of who made each change."""
    rows = db.session.execute(
        select(StageChange, User.display_name).outerjoin(User, User.id == StageChange.changed_by_id)
        .where(StageChange.membership_id == membership.id)
        .order_by(StageChange.changed_at.desc(), StageChange.id.desc())).all()
    return [HistoryItem(change, username) for change, username in rows]


def _stage_began(stage: str, membership: Membership, history: list[HistoryItem]) -> date | None:
    """When the member entered `stage`, as recorded (the current record, else the history)."""
    if membership.stage == stage and membership.stage_date is not None:
        return membership.stage_date
    for item in history:  # newest first
        if item.change.to_stage == stage and item.change.stage_date is not None:
            return item.change.stage_date
    return None


# The stage whose start date the minimum gap is counted from, per new stage.
GAP_FROM = {"candidate": "activist", "full_member": "probationary"}


def gap_warnings(new_stage: str, new_date: date | None, membership: Membership,
                 history: list[HistoryItem], today: date) -> list[str]:
    """What the party rules would question about this record; nothing is refused for it."""
    warnings = []
    if new_date is not None and new_date > today:
        warnings.append(str(_l("The stage date %(day)s is in the future.", day=new_date.isoformat())))
    earlier = GAP_FROM.get(new_stage)
    if earlier is None:
        return warnings
    began = _stage_began(earlier, membership, history)
    if new_date is None:
        warnings.append(str(_l("No stage date is recorded, so the minimum of a year as %(stage)s "
                               "cannot be checked.", stage=STAGE_LABELS[earlier])))
    elif began is None:
        warnings.append(str(_l("No date as %(stage)s is recorded, so the minimum of a year "
                               "cannot be checked.", stage=STAGE_LABELS[earlier])))
    elif new_date < one_year_after(began):
        warnings.append(str(_l("Less than a year as %(stage)s: since %(began)s, and %(new)s from "
                               "%(day)s (the rules ask for at least one year).",
                               stage=STAGE_LABELS[earlier], began=began.isoformat(),
                               new=STAGE_LABELS[new_stage], day=new_date.isoformat())))
    return warnings


# ---- editing a record --------------------------------------------------------------------------

RECORD_FIELDS = ("student_no", "department", "phone", "email", "location", "location_note",
                 "staff_notes")


@dataclass
class RecordUpdate:
    """What changed; `warnings` are the party-rule concerns (shown, never refusing)."""
    changed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def clean_text(name: str, value) -> str | None:
    """A record field's value stripped, None when empty; a RosterError when it cannot be stored."""
    if value is None:
        return None
    if not isinstance(value, str) or not is_valid_text(value):
        raise RosterError(name, _l("'%(field)s' must be text.", field=name))
    value = value.strip()
    if len(value) > FIELD_LIMITS.get(name, 200):
        raise RosterError(name, _l("'%(field)s' is longer than %(n)d characters.", field=name,
                             n=FIELD_LIMITS.get(name, 200)))
    if value and name == "email" and not EMAIL_PATTERN.match(value):
        raise RosterError(name, _l("'%(value)s' is not an e-mail address.", value=value[:80]))
    if value and name == "phone" and not PHONE_PATTERN.match(value):
        raise RosterError(name, _l("'%(value)s' is not a phone number.", value=value[:40]))
    if value and name == "location" and value not in LOCATIONS:
        raise RosterError(name, _l("Unknown location; choose one of %(values)s.", values=", ".join(LOCATIONS)))
    return value or None


def update_member(actor, school_class: SchoolClass, membership: Membership, user: User,
                  changes: dict, today: date) -> RecordUpdate:
    """Apply `changes` (any of stage, stage_date, role and RECORD_FIELDS) to the record.

    Every stage or stage-date change is kept in StageChange and the audit log. Dates that
    break the minimum gaps give warnings, never a refusal: the branch's records decide.
    """
    services.ensure_writable(school_class)
    result = RecordUpdate()
    cleaned = {name: clean_text(name, changes[name]) for name in RECORD_FIELDS if name in changes}
    stage = changes.get("stage", membership.stage)
    if "stage" in changes and stage not in STAGES:
        raise RosterError("stage", _l("Unknown stage; choose one of %(values)s.", values=", ".join(STAGES)))
    stage_date = changes.get("stage_date", membership.stage_date)
    if stage_date is not None and not isinstance(stage_date, date):
        raise RosterError("stage_date", _l("'stage_date' must be a date like 2026-09-01."))
    if "stage_date" in changes and (problem := stage_date_problem(stage_date)) is not None:
        raise RosterError("stage_date", problem)
    if stage is None and stage_date is not None:
        raise RosterError("stage", _l("A stage date needs a stage."))
    role = changes.get("role")
    if role is not None and (refusal := roster_role_refusal(role)) is not None:
        raise RosterError("role", refusal)
    if role is not None and role != membership.role:
        _check_role_change(membership, user, role)

    if "student_no" in cleaned and cleaned["student_no"] != membership.student_no:
        check_student_no_free(school_class, cleaned["student_no"], membership.user_id)
    with savepoint(db.session, duplicate_student_no(cleaned.get("student_no") or "")):
        for name, value in cleaned.items():
            if getattr(membership, name) != value:
                setattr(membership, name, value)
                result.changed.append(name)
        db.session.flush()
    if result.changed:
        audit(actor, "class.member_record", membership, username=user.username,
              fields=list(result.changed))
    if stage != membership.stage or stage_date != membership.stage_date:
        history = stage_history(membership)
        result.warnings = gap_warnings(stage, stage_date, membership, history, today)
        db.session.add(StageChange(membership_id=membership.id, from_stage=membership.stage,
                                   to_stage=stage, stage_date=stage_date,
                                   changed_by_id=getattr(actor, "id", None)))
        audit(actor, "class.member_stage", membership, username=user.username,
              from_stage=membership.stage, to_stage=stage,
              stage_date=stage_date.isoformat() if stage_date else None,
              warnings=list(result.warnings))
        membership.stage, membership.stage_date = stage, stage_date
        result.changed.append("stage")
    if role is not None and role != membership.role:
        _change_role(actor, school_class, membership, user, role)
        result.changed.append("role")
    db.session.flush()
    return result


def _check_role_change(membership: Membership, user: User, role: str) -> None:
    """Refused before anything is written: the same rules as services.set_staff_role."""
    if membership.role == "head_teacher":
        raise RosterError("role", _l("A head teacher's role is changed on the class's settings page."))
    if role == "grader" and not allowed(user, "class.be_staff"):
        raise RosterError("role", _l("Only staff, instructor or admin accounts can be class staff."))


def _change_role(actor, school_class: SchoolClass, membership: Membership, user: User, role: str) -> None:
    """member <-> grader (checked by _check_role_change first)."""
    if role == "grader":
        services.set_staff_role(actor, school_class, user, "grader")  # staff-capable accounts only
    else:
        membership.role = "member"
        audit(actor, "class.staff", school_class, username=user.username, role="member")
        services.forget_roles()
