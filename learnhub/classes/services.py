"""Class rules: creating and changing classes, who has which role, what a user sees.

Functions take explicit arguments and flush; the caller commits.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select

from ..auth.models import User
from ..core import errors
from ..core.audit import audit
from ..core.database import add_or_get, savepoint
from ..core.errors import DomainError
from ..core.markdown import markdown_problem
from ..core.pagination import Key, Page, paginate
from ..core.permissions import allowed
from ..courses.index import CourseEntry, content_index
from ..extensions import db
from .models import CLASS_STATUSES, STAFF_ROLES, ClassCourse, Membership, SchoolClass

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$")
NAME_MAX = 200


class ClassError(DomainError):
    status, code = 422, "invalid_class"


class FieldError(errors.FieldError, ClassError):
    """422 `invalid_field` naming the field at fault (core's, caught as a ClassError too)."""


class DuplicateCode(ClassError):
    status, code = 409, "duplicate_code"


class ClassArchived(ClassError):
    status, code = 409, "class_archived"


# ---- roles ----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _role_statement():
    return select(Membership.role).where(Membership.class_id == bindparam("class_id"),
                                         Membership.user_id == bindparam("user_id"))


def class_role(user_id: int, class_id: int) -> str | None:
    """The user's role in the class (member, head_teacher, grader) or None; once per request."""
    cache = g.setdefault("class_roles", {}) if has_request_context() else {}
    key = (user_id, class_id)
    if key not in cache:
        cache[key] = db.session.scalar(_role_statement(), {"class_id": class_id, "user_id": user_id})
    return cache[key]


def forget_roles() -> None:
    if has_request_context():
        g.pop("class_roles", None)


def caller_role(user, school_class: SchoolClass) -> str | None:
    """What the API reports as `role`: the role in the class, or `admin` for admins outside it."""
    role = class_role(user.id, school_class.id)
    if role is None and allowed(user, "class.any"):
        return "admin"
    return role


# ---- listing --------------------------------------------------------------------------------

@dataclass
class ClassRow:
    school_class: SchoolClass
    role: str | None
    members_count: int


def _classes_of(user) -> tuple:
    """(the select of the classes the user belongs to or manages, all of them for admins, with
    the user's role in each; whether the user sees all)."""
    statement = (select(SchoolClass, Membership.role)
                 .outerjoin(Membership, (Membership.class_id == SchoolClass.id)
                            & (Membership.user_id == user.id)))
    sees_all = allowed(user, "class.any")
    if not sees_all:
        statement = statement.where(Membership.id.is_not(None))
    return statement, sees_all


def _class_rows(rows, sees_all: bool) -> list[ClassRow]:
    """The rows with their member counts, in one query grouped by class."""
    if not rows:
        return []
    ids = [c.id for c, _role in rows]
    counts = dict(db.session.execute(
        select(Membership.class_id, func.count()).where(Membership.class_id.in_(ids),
                                                        Membership.role == "member")
        .group_by(Membership.class_id)).all())
    return [ClassRow(c, role or ("admin" if sees_all else None), counts.get(c.id, 0))
            for c, role in rows]


NEWEST_TERM_FIRST = [Key(SchoolClass.starts_on, desc=True), Key(SchoolClass.id, desc=True)]


def classes_for(user) -> list[ClassRow]:
    """The classes the user belongs to or manages (all of them for admins), newest term first.

    Two queries whatever the number of classes and members: the classes with the caller's
    role, and the member counts grouped by class.
    """
    statement, sees_all = _classes_of(user)
    order = [key.order_by() for key in NEWEST_TERM_FIRST]
    return _class_rows(db.session.execute(statement.order_by(*order)).all(), sees_all)


def classes_page(user, *, limit: int, cursor: str | None) -> Page:
    """One page of classes_for's list (the API), cut by keyset in SQL; items are ClassRows."""
    statement, sees_all = _classes_of(user)
    page = paginate(statement, NEWEST_TERM_FIRST, limit=limit, cursor=cursor)
    page.items = _class_rows(page.items, sees_all)
    return page


def get_class(class_id: int) -> SchoolClass | None:
    return db.session.get(SchoolClass, class_id)


def class_courses(school_class: SchoolClass) -> list[CourseEntry]:
    """The assigned courses that still exist and are published, in their assigned order (no
    query for titles). A course that went back to draft is not the class's until published:
    its title is not shown to the class, nor counted in its progress or exams."""
    ids = db.session.scalars(select(ClassCourse.course_id).where(ClassCourse.class_id == school_class.id)
                             .order_by(ClassCourse.position, ClassCourse.id)).all()
    index = content_index()
    return [course for course in (index.course_by_id(i) for i in ids)
            if course is not None and not course.draft]


@dataclass
class StaffEntry:
    username: str
    display_name: str
    role: str


def class_staff(school_class: SchoolClass) -> list[StaffEntry]:
    rows = db.session.execute(
        select(User.username, User.display_name, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.class_id == school_class.id, Membership.role.in_(STAFF_ROLES))
        .order_by(Membership.role.desc(), User.username)).all()
    return [StaffEntry(*row) for row in rows]


# ---- creating and changing ----------------------------------------------------------------------

def _clean_fields(name, code, starts_on, ends_on, description, status) -> dict:
    name = (name or "").strip()
    code = (code or "").strip()
    if not name or len(name) > NAME_MAX:
        raise FieldError("name", _l("A class needs a name of at most %(n)d characters.", n=NAME_MAX))
    if not CODE_PATTERN.match(code):
        raise FieldError("code", _l("The code is 2-32 letters, digits, '-' or '_', starting with a letter or digit."))
    if not isinstance(starts_on, date) or not isinstance(ends_on, date):
        raise FieldError("starts_on" if not isinstance(starts_on, date) else "ends_on",
                         _l("The term needs a start and an end date."))
    if ends_on < starts_on:
        raise FieldError("ends_on", _l("The term cannot end before it starts."))
    if status not in CLASS_STATUSES:
        raise FieldError("status", _l("Unknown status."))
    if len(description or "") > 20_000:
        raise FieldError("description", _l("The description is longer than 20,000 characters."))
    if refused := markdown_problem(description, "description"):   # over the renderer's bounds
        raise FieldError("description", refused)
    return {"name": name, "code": code, "starts_on": starts_on, "ends_on": ends_on,
            "description": description or "", "status": status}


def resolve_courses(slugs: list[str] | None) -> list[CourseEntry]:
    index = content_index()
    courses = []
    for slug in slugs or []:
        course = index.course(slug) if isinstance(slug, str) else None
        if course is None:
            raise FieldError("courses", _l("There is no course %(slug)s.", slug=str(slug)[:64]))
        if course.draft:  # the same answer whoever asks: a class never gets a draft course
            raise FieldError("courses", _l("The course %(slug)s is a draft: publish it before "
                                           "assigning it to a class.", slug=slug[:64]))
        if course not in courses:
            courses.append(course)
    return courses


def create_class(actor: User, name: str, code: str, starts_on: date, ends_on: date,
                 description: str = "", course_slugs: list[str] | None = None,
                 status: str = "planned") -> SchoolClass:
    """A new class; its creator becomes its head teacher."""
    fields = _clean_fields(name, code, starts_on, ends_on, description, status)
    courses = resolve_courses(course_slugs)
    school_class = SchoolClass(created_by_id=actor.id, **fields)
    with savepoint(db.session, DuplicateCode(_l("Another class already has the code %(code)s.",
                                                code=fields["code"]))):
        db.session.add(school_class)
        db.session.flush()
    db.session.add(Membership(class_id=school_class.id, user_id=actor.id, role="head_teacher"))
    set_courses(school_class, courses)
    audit(actor, "class.create", school_class, code=school_class.code)
    db.session.flush()
    forget_roles()
    return school_class


def update_class(actor: User, school_class: SchoolClass, name: str, code: str, starts_on: date,
                 ends_on: date, description: str, status: str,
                 course_slugs: list[str] | None = None) -> SchoolClass:
    """Change a class. An archived class is read-only: only its status may change back."""
    fields = _clean_fields(name, code, starts_on, ends_on, description, status)
    if school_class.read_only and any(getattr(school_class, k) != v for k, v in fields.items()
                                      if k != "status"):
        raise ClassArchived(_l("This class is archived: set it back to finished to change it."))
    courses = resolve_courses(course_slugs) if course_slugs is not None else None
    old_status = school_class.status
    with savepoint(db.session, DuplicateCode(_l("Another class already has the code %(code)s.",
                                                code=fields["code"]))):
        for key, value in fields.items():
            setattr(school_class, key, value)
        db.session.flush()
    if courses is not None and not school_class.read_only:
        set_courses(school_class, courses)
    if old_status != school_class.status:
        audit(actor, "class.status", school_class, old=old_status, new=school_class.status)
    return school_class


def ensure_writable(school_class: SchoolClass) -> None:
    """Every change to an archived class's records is refused (409 class_archived)."""
    if school_class.read_only:
        raise ClassArchived(_l("This class is archived and read-only."))


def set_courses(school_class: SchoolClass, courses: list[CourseEntry]) -> None:
    existing = {row.course_id: row for row in db.session.scalars(
        select(ClassCourse).where(ClassCourse.class_id == school_class.id))}
    wanted = [c.id for c in courses]
    for course_id, row in existing.items():
        if course_id not in wanted:
            db.session.delete(row)
    for position, course_id in enumerate(wanted):
        row = existing.get(course_id)
        if row is None:  # a concurrent save may assign the same course first: then update its row
            row, _created = add_or_get(
                db.session, ClassCourse(class_id=school_class.id, course_id=course_id, position=position),
                lambda course_id=course_id: db.session.scalar(select(ClassCourse).where(
                    ClassCourse.class_id == school_class.id, ClassCourse.course_id == course_id)))
        row.position = position
    db.session.flush()


def set_staff_role(actor: User, school_class: SchoolClass, user: User, role: str | None) -> None:
    """Make `user` a head teacher or grader of the class (None removes the staff role)."""
    ensure_writable(school_class)
    if role is not None and role not in STAFF_ROLES:
        raise ClassError(_l("Unknown class role."))
    if role is not None and not allowed(user, "class.be_staff"):
        raise ClassError(_l("Only staff, instructor or admin accounts can be class staff."))
    # One savepoint: on SQLite it opens the transaction with BEGIN IMMEDIATE, so the
    # head-teacher guard below reads under the database's write lock (see _keep_a_head_teacher).
    with savepoint(db.session):
        membership = db.session.scalar(select(Membership).where(
            Membership.class_id == school_class.id, Membership.user_id == user.id))
        if membership is None and role is not None:
            # Two requests appointing the same person at once: the second finds the first's row.
            membership, created = add_or_get(
                db.session, Membership(class_id=school_class.id, user_id=user.id, role=role),
                lambda: db.session.scalar(select(Membership).where(
                    Membership.class_id == school_class.id, Membership.user_id == user.id)
                    .execution_options(populate_existing=True)))
            if created:
                membership = None  # nothing more to change
        if membership is None:
            pass
        elif role is None:
            if membership.role in STAFF_ROLES:
                _keep_a_head_teacher(school_class, membership)
                db.session.delete(membership)
        else:
            if membership.role == "head_teacher" and role != "head_teacher":
                _keep_a_head_teacher(school_class, membership)
            membership.role = role
        db.session.flush()
    audit(actor, "class.staff", school_class, username=user.username, role=role)
    db.session.flush()
    forget_roles()


def _keep_a_head_teacher(school_class: SchoolClass, leaving: Membership) -> None:
    """Raise unless another head teacher remains once `leaving` stops being one.

    Two head teachers removing each other at once must not leave none (the last-admin
    guard of auth.services): the class's head teachers (and the leaving row) are read under
    a lock held until the caller's commit. PostgreSQL: `FOR UPDATE` on those rows in id
    order; the second request waits, then re-reads the first one's result. SQLite: the
    caller's `savepoint` opened the transaction with BEGIN IMMEDIATE, the database's single
    write lock. The rows are re-read (populate_existing), never taken from earlier loads.
    """
    rows = db.session.scalars(
        select(Membership)
        .where(Membership.class_id == school_class.id,
               (Membership.role == "head_teacher") | (Membership.id == leaving.id))
        .order_by(Membership.id)
        .with_for_update()
        .execution_options(populate_existing=True)).all()
    heads = [row for row in rows if row.role == "head_teacher"]
    if leaving in heads and len(heads) <= 1:
        raise ClassError(_l("A class needs a head teacher: appoint another one first."))
