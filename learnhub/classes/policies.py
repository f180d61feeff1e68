"""Who may do what with a class (asked through core.permissions.allowed).

A staff or instructor account sees and manages only the classes it has a role in; admins
see all. Later features ask the same actions (grading: class.staff, discussions: class.view).
The sub-packages register their own actions (announcements: announcement.edit; exams:
their staff's attempt.view).
"""
from __future__ import annotations

from ..core.permissions import has_role, register_policy, register_role_policy
from .models import STAFF_ROLES
from .services import class_role


def _role_in(user, school_class, roles) -> bool:
    if school_class is None or not getattr(user, "is_authenticated", False):
        return False
    return class_role(user.id, school_class.id) in roles


def may_be_class_staff(user, _obj=None) -> bool:
    """`class.be_staff`: the account may be made a head teacher or grader. A member account
    may not, whatever it is in a class; the rule is about the account, active or not."""
    return user is not None and getattr(user, "role", "member") != "member"


def register(app) -> None:
    register_role_policy(app, "class.create", "staff")
    # Every class, with or without a role in it (admins): listed, seen, run.
    register_role_policy(app, "class.any")
    register_policy(app, "class.view", lambda user, c: has_role(user)
                    or _role_in(user, c, ("member", *STAFF_ROLES)))
    # Staff of this class (head teacher or grader): roster, attendance, receipts.
    register_policy(app, "class.staff", lambda user, c: has_role(user) or _role_in(user, c, STAFF_ROLES))
    # The head teacher runs the class: settings, imports, member records, exams, overrides.
    register_policy(app, "class.manage", lambda user, c: has_role(user) or _role_in(user, c, ("head_teacher",)))
    # A member of this class (the one who checks in, reads announcements, takes its exams).
    register_policy(app, "class.member", lambda user, c: _role_in(user, c, ("member",)))
    # Asked of the account being appointed (set_staff_role, roster rows, one-member add).
    register_policy(app, "class.be_staff", may_be_class_staff)
