"""One member at a time: adding a person without a roster file, and resetting a member's
password. Functions take explicit arguments and flush; the caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...auth import services as accounts
from ...auth.models import User
from ...core.audit import audit
from ...core.database import Conflict, add_or_get
from ...core.errors import DomainError
from ...core.permissions import allowed
from ...core.signals import member_enrolled
from ...core.text import is_valid_text
from ...extensions import db
from .. import services
from ..models import STAGES, Membership, SchoolClass
from .models import StageChange
from .policies import roster_role_refusal
from .services import RosterError, check_student_no_free, clean_text, duplicate_student_no

DISPLAY_NAME_MAX = 120
RECORD_FIELDS = ("student_no", "department", "phone", "email")
MEMBER_FIELDS = ("display_name", "student_no", "username", "department", "stage", "phone", "email", "role")


class AlreadyEnrolled(services.ClassError):
    status, code = 409, "already_enrolled"


class DifferentPerson(services.ClassError):
    """The username is an account with another student number on record (the import's rule)."""

    status, code = 409, "username_taken"


class NotAMemberAccount(DomainError):
    """Head teachers reset the passwords of members only, never of staff accounts."""

    status, code = 403, "not_a_member_account"


class MemberOfOtherClasses(DomainError):
    """The account is also in a class the head teacher does not run: an administrator resets it.
    (Any staff account may create a class and enrol an existing account by username, so a
    reset there would hand over anyone's account, with their exams in other classes.)"""

    status, code = 403, "member_of_other_classes"


class FieldErrors(services.FieldError):
    """Every field at fault at once (the API lists them all under "fields")."""

    def __init__(self, errors: dict[str, object]):
        first = next(iter(errors))
        super().__init__(first, errors[first])
        self.errors = errors

    @property
    def fields(self) -> dict[str, str]:
        return {name: str(message) for name, message in self.errors.items()}


@dataclass
class Added:
    membership: Membership
    user: User
    password: str | None  # a new account's one-time password; None for an existing account


def _clean(values: dict) -> dict:
    """The fields of one person, cleaned; FieldErrors naming every field at fault."""
    errors: dict[str, object] = {}
    cleaned: dict = {}
    for name in ("display_name", "username", "stage", "role", *RECORD_FIELDS):
        value = values.get(name)
        if value is not None and (not isinstance(value, str) or not is_valid_text(value)):
            errors[name] = _l("'%(field)s' must be text.", field=name)
        else:
            cleaned[name] = value.strip() if isinstance(value, str) else None
    for name in RECORD_FIELDS:
        if name in cleaned and name not in errors:
            try:
                cleaned[name] = clean_text(name, cleaned[name])
            except RosterError as error:
                errors[name] = error.message
    name = cleaned.get("display_name") or ""
    if "display_name" not in errors and not 0 < len(name) <= DISPLAY_NAME_MAX:
        errors["display_name"] = _l("A name of 1-%(n)d characters is needed.", n=DISPLAY_NAME_MAX)
    if "username" not in errors:
        username = accounts.normalise_username(cleaned.get("username") or "")
        if not username and cleaned.get("student_no"):
            # The roster import's rule: no username given, the student number is the username.
            username = cleaned["student_no"].lower()
        if not username:
            errors["username"] = _l("Give a username or a student number.")
        elif not accounts.USERNAME_PATTERN.match(username):
            errors["username"] = _l("Usernames are 2-64 characters: letters, digits, '.', '_' or '-'.")
        cleaned["username"] = username
    if "stage" not in errors:
        cleaned["stage"] = cleaned.get("stage") or None
        if cleaned["stage"] is not None and cleaned["stage"] not in STAGES:
            errors["stage"] = _l("Unknown stage; choose one of %(values)s.", values=", ".join(STAGES))
    if "role" not in errors:
        cleaned["role"] = cleaned.get("role") or "member"
        if (refusal := roster_role_refusal(cleaned["role"])) is not None:
            errors["role"] = refusal
    if errors:
        raise FieldErrors(errors)
    return cleaned


def _numbers_on_record(user_id: int) -> set[str]:
    return set(db.session.scalars(select(Membership.student_no).where(
        Membership.user_id == user_id, Membership.student_no.is_not(None))))


def add_member(actor: User, school_class: SchoolClass, values: dict) -> Added:
    """Enrol one person: an existing account (by username), or a new account with a one-time
    password that must be changed at first login. The same rules as a roster file's row."""
    services.ensure_writable(school_class)
    cleaned = _clean(values)
    number = cleaned.get("student_no")
    user = accounts.get_user_by_username(cleaned["username"])
    if user is not None:
        if db.session.scalar(select(Membership.id).where(Membership.class_id == school_class.id,
                                                         Membership.user_id == user.id)):
            raise AlreadyEnrolled(_l("%(name)s is already in this class.", name=user.username))
        recorded = _numbers_on_record(user.id)
        if number and recorded and number not in recorded:
            raise DifferentPerson(_l("The username %(name)s is taken by a different person: that account "
                                     "has another student number on record.", name=user.username))
        if cleaned["role"] == "grader" and not allowed(user, "class.be_staff"):
            raise FieldErrors({"role": _l("Only staff, instructor or admin accounts can be graders.")})
    elif cleaned["role"] == "grader":
        raise FieldErrors({"role": _l("A grader needs an existing staff account: create it first.")})
    check_student_no_free(school_class, number, user.id if user else None)

    password = None
    if user is None:
        password = accounts.generate_password()
        try:
            user = accounts.create_user(cleaned["username"], password, "member", cleaned["display_name"],
                                        must_change=True)
        except accounts.AccountError as error:  # taken a moment ago by a concurrent request
            raise DifferentPerson(str(error)) from None
    membership = _enrol(school_class, user, cleaned)
    if cleaned["stage"]:  # the history starts with the stage recorded on arrival
        db.session.add(StageChange(membership_id=membership.id, from_stage=None, to_stage=cleaned["stage"],
                                   changed_by_id=actor.id))
    audit(actor, "class.member_add", membership, username=user.username, role=membership.role,
          new_account=password is not None)
    db.session.flush()
    member_enrolled.send(current_app._get_current_object(), class_id=school_class.id, user_id=user.id)
    services.forget_roles()
    return Added(membership, user, password)


def _enrol(school_class: SchoolClass, user: User, cleaned: dict) -> Membership:
    """The membership row, through add_or_get: a concurrent add of the same person is a 409,
    a concurrent use of the same student number (the unique index) a 409 too, never a 500."""
    row = Membership(class_id=school_class.id, user_id=user.id, role=cleaned["role"], stage=cleaned["stage"],
                     **{name: cleaned.get(name) for name in RECORD_FIELDS})
    try:
        membership, created = add_or_get(db.session, row, lambda: db.session.scalar(select(Membership).where(
            Membership.class_id == school_class.id, Membership.user_id == user.id)))
    except Conflict:
        raise duplicate_student_no(cleaned.get("student_no") or "") from None
    if not created:
        raise AlreadyEnrolled(_l("%(name)s is already in this class.", name=user.username))
    return membership


# ---- a member's password ------------------------------------------------------------------------

def reset_refusal(actor: User, school_class: SchoolClass, user: User) -> DomainError | None:
    """Why `actor` may not reset `user`'s password in this class (None: they may)."""
    if services.class_role(user.id, school_class.id) != "member" or allowed(user, "class.be_staff"):
        return NotAMemberAccount(_l("Only a member's password can be reset here; staff accounts are "
                                    "reset by an administrator."))
    if not allowed(actor, "class.any"):
        run_by_actor = select(Membership.class_id).where(Membership.user_id == actor.id,
                                                         Membership.role == "head_teacher")
        elsewhere = db.session.scalar(select(Membership.id).where(
            Membership.user_id == user.id, Membership.class_id.not_in(run_by_actor)).limit(1))
        if elsewhere is not None:
            return MemberOfOtherClasses(_l("%(name)s is also in a class you do not run: an administrator "
                                           "resets this password.", name=user.username))
    return None


def reset_member_password(actor: User, school_class: SchoolClass, user: User) -> str:
    """A new one-time password for a member of the class (changed at their next login).

    Members only: an account whose global role is staff, instructor or admin, or a person
    who is staff of this class, is refused (403), so a head teacher can never take over a
    colleague's account; nor a member who is also in a class the head teacher does not run. Every login session and API token of the account ends, and the
    reset is kept in the audit log (never the password).
    """
    services.ensure_writable(school_class)
    refusal = reset_refusal(actor, school_class, user)
    if refusal is not None:
        raise refusal
    password = accounts.generate_password()
    accounts.set_password(user, password, must_change=True)  # ends sessions, revokes tokens
    audit(actor, "class.member_password_reset", user, class_id=school_class.id, username=user.username)
    db.session.flush()
    return password
