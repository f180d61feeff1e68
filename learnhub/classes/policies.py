"""Who may do what with a class (asked through core.permissions.allowed).

A staff or instructor account sees and manages only the classes it has a role in; admins
see all. Later features ask the same actions (grading: class.staff, discussions: class.view).
"""
from __future__ import annotations

from ..core.permissions import register_policy, register_role_policy
from .announcements.services import may_edit as may_edit_announcement
from .models import STAFF_ROLES
from .services import class_role


def _is_admin(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role == "admin"


def _role_in(user, school_class, roles) -> bool:
    if school_class is None or not getattr(user, "is_authenticated", False):
        return False
    return class_role(user.id, school_class.id) in roles


def register(app) -> None:
    register_role_policy(app, "class.create", "staff")
    register_policy(app, "class.view", lambda user, c: _is_admin(user)
                    or _role_in(user, c, ("member", *STAFF_ROLES)))
    # Staff of this class (head teacher or grader): roster, attendance, receipts.
    register_policy(app, "class.staff", lambda user, c: _is_admin(user) or _role_in(user, c, STAFF_ROLES))
    # The head teacher runs the class: settings, imports, member records, exams, overrides.
    register_policy(app, "class.manage", lambda user, c: _is_admin(user) or _role_in(user, c, ("head_teacher",)))
    # A member of this class (the one who checks in, reads announcements, takes its exams).
    register_policy(app, "class.member", lambda user, c: _role_in(user, c, ("member",)))
    # Edit or delete an announcement: its author (still staff of the class), the head teacher.
    register_policy(app, "announcement.edit", may_edit_announcement)
