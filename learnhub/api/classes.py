"""/api/v1/classes: the party school's classes (the same services as the class pages), one
member at a time, and the next term's copy."""
from __future__ import annotations

from functools import wraps
from typing import Annotated, Literal, Optional

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from pydantic import ConfigDict, Field, WithJsonSchema

from ..auth.services import get_user_by_username
from ..classes import copying, services
from ..classes.loaders import load_class
from ..classes.models import CLASS_ROLES, CLASS_STATUSES, STAFF_ROLES, STAGES
from ..classes.presenters import class_detail, class_summary
from ..classes.roster import members
from ..classes.roster.policies import ROSTER_ROLES
from ..classes.roster.services import FIELD_LIMITS
from ..core.errors import Forbidden, NotFound
from ..core.pagination import page_request
from ..core.permissions import allowed
from ..extensions import db
from . import bp
from .schema import ApiDate, Body, Out, Page, PageQuery, declare, text

# ---- schemas -----------------------------------------------------------------------------------

class TermIn(Body):
    """A new class's term, made or copied. The code's pattern and the dates' order are the
    classes service's rules (shared with the class form), named as fields all the same."""

    name: text(services.NAME_MAX)
    code: Annotated[text(32), WithJsonSchema({"type": "string", "minLength": 2, "maxLength": 32})] = Field(
        description="letters, digits, '-' or '_', starting with a letter or digit")
    starts_on: ApiDate
    ends_on: ApiDate = Field(description="not before starts_on")


class ClassIn(TermIn):
    description: str = Field("", json_schema_extra={"maxLength": 20_000}, description="Markdown")
    courses: list[str] = Field([], description="course slugs (published courses)")


def _documented(schema: dict, description: str | None = None):
    """A text the members service checks (its lengths, patterns and choices are the page form's
    rules too, and it names every field at fault at once): the model takes a string or null;
    the document states the rule."""
    return Field(None, json_schema_extra=schema, description=description)


class MemberIn(Body):
    """One person: a new account, or an existing one by username."""

    # A misspelt field is refused, not dropped. The name is required (by the service, with the
    # other fields at fault): the document says so.
    model_config = ConfigDict(extra="forbid", json_schema_extra=lambda schema: schema.update(
        required=["display_name"]))

    display_name: Optional[str] = _documented({"minLength": 1, "maxLength": members.DISPLAY_NAME_MAX})
    username: Optional[str] = _documented({"maxLength": 64}, "none: the student number, lower-cased")
    student_no: Optional[str] = _documented({"maxLength": FIELD_LIMITS["student_no"]})
    department: Optional[str] = _documented({"maxLength": FIELD_LIMITS["department"]})
    stage: Optional[str] = _documented({"enum": list(STAGES)})
    phone: Optional[str] = _documented({"maxLength": FIELD_LIMITS["phone"]})
    email: Optional[str] = _documented({"maxLength": FIELD_LIMITS["email"]})
    role: Optional[str] = _documented({"enum": list(ROSTER_ROLES)}, "none: member")


class ClassCourse(Out):
    slug: str
    title: str
    url: str


class StaffItem(Out):
    username: str
    display_name: str
    role: Literal[STAFF_ROLES]


# The caller's role in the class; an admin outside it is `admin` (services.caller_role).
ClassRole = Optional[Literal[(*CLASS_ROLES, "admin")]]


class ClassItem(Out):
    id: int
    name: str
    code: str
    status: Literal[CLASS_STATUSES]
    starts_on: ApiDate
    ends_on: ApiDate
    role: ClassRole
    members_count: int
    url: str


class Class(ClassItem):
    """Class"""

    description: str
    courses: list[ClassCourse]
    staff: list[StaffItem]


class CopiedClass(Class):
    """The new class"""

    exams_copied: int
    sessions_copied: int
    exams_left_out: list[str] = Field(description="exams that could not be scheduled in the new term "
                                                  "(quiz no longer in the courses, dates out of range)")


class OneTimePassword(Out):
    """The account and its one-time password (never cached: Cache-Control no-store)"""

    username: str
    password: Optional[str] = Field(description="a new account's, changed at first login; null for an "
                                                "existing account (it keeps its own)")


class NewPassword(OneTimePassword):
    """The new one-time password (never cached: Cache-Control no-store)"""

    password: str


TAGS = ("classes",)
CREATES = _l("Only staff and administrators create classes.")


def sent(body: Body) -> dict:
    """The fields the body carried, as validated (a field left out changes nothing)."""
    return {name: getattr(body, name) for name in body.model_fields_set}


def no_store(view):
    """The answer carries one-time passwords: never cached (under the route, over @declare)."""
    @wraps(view)
    def answered(**kwargs):
        response = view(**kwargs)
        response.headers["Cache-Control"] = "no-store"
        return response
    return answered


# ---- routes ------------------------------------------------------------------------------------

@bp.get("/classes")
@declare("The classes the caller belongs to or manages (admins: all), newest term first",
         query=PageQuery, responses={200: Page[ClassItem]}, errors=(400,), tags=TAGS)
def list_classes(query: PageQuery):
    page = services.classes_page(current_user, **page_request())
    page.items = [class_summary(r.school_class, r.role, r.members_count) for r in page.items]
    return page


@bp.post("/classes")
@declare("Create a class (staff, admins); the creator becomes its head teacher (409 duplicate_code)",
         body=ClassIn, responses={201: Class}, errors=(403, 409), tags=TAGS)
def create_class(body: ClassIn):
    if not allowed(current_user, "class.create"):
        raise Forbidden(CREATES)
    school_class = services.create_class(current_user, body.name, body.code, body.starts_on, body.ends_on,
                                         body.description, body.courses)
    db.session.commit()
    return class_detail(current_user, school_class)


@bp.get("/classes/<int:class_id>")
@declare("A class with its courses and staff (404 for a class the caller has no part in)",
         responses={200: Class}, errors=(404,), tags=TAGS)
def get_class(class_id: int):
    return class_detail(current_user, load_class(class_id))


# ---- one member at a time (head teacher) ---------------------------------------------------

@bp.post("/classes/<int:class_id>/members")
@no_store
@declare("Add one person without a file (head teacher). A new account gets a one-time password, "
         "changed at first login; an existing account (by username) is enrolled and \"password\" is "
         "null. No username: the student number is the username. 409 already_enrolled, "
         "duplicate_student_no (another member of the class has it), username_taken (the account has "
         "another student number on record), class_archived", body=MemberIn,
         responses={201: OneTimePassword}, errors=(403, 404, 409), tags=TAGS)
def add_member(class_id: int, body: MemberIn):
    school_class = load_class(class_id, "class.manage")
    added = members.add_member(current_user, school_class, sent(body))
    db.session.commit()
    return {"username": added.user.username, "password": added.password}


@bp.post("/classes/<int:class_id>/members/<username>/password")
@no_store
@declare("A new one-time password for a member of the class (head teacher): members only, 403 "
         "not_a_member_account for staff, instructor and admin accounts and for the class's staff, "
         "403 member_of_other_classes for a member also in a class the caller does not run (an "
         "administrator resets that one). Ends the account's login sessions and API tokens; kept in "
         "the audit log", responses={200: NewPassword}, errors=(400, 403, 404, 409), tags=TAGS)
def reset_member_password(class_id: int, username: str):
    school_class = load_class(class_id, "class.manage")
    user = get_user_by_username(username)
    if user is None or services.class_role(user.id, school_class.id) is None:
        raise NotFound(_l("%(name)s is not in this class.", name=username[:64]))
    password = members.reset_member_password(current_user, school_class, user)
    db.session.commit()
    return {"username": user.username, "password": password}


# ---- the next term ---------------------------------------------------------------------------

@bp.post("/classes/<int:class_id>/copy")
@declare("The next term's class (staff of this class who may create classes): the same description, "
         "courses, required units and staff, scheduled exams and sessions moved by as many days as the "
         "start date; no members, attendance or results. The caller becomes its head teacher",
         body=TermIn, responses={201: CopiedClass}, errors=(403, 404, 409), tags=TAGS)
def copy_class(class_id: int, body: TermIn):
    source = load_class(class_id, "class.staff")
    if not allowed(current_user, "class.create"):
        raise Forbidden(CREATES)
    copied = copying.copy_class(current_user, source, body.name, body.code, body.starts_on, body.ends_on)
    db.session.commit()
    return {**class_detail(current_user, copied.school_class), "exams_copied": copied.exams,
            "sessions_copied": copied.sessions, "exams_left_out": copied.skipped_exams}
