"""Who may edit or delete an announcement (asked through core.permissions.allowed)."""
from __future__ import annotations

from ...core.permissions import has_role, register_policy
from ..services import class_role
from .models import Announcement


def may_edit(user, announcement: Announcement | None) -> bool:
    """The author while still staff of the class, its head teacher, admins."""
    if announcement is None or not getattr(user, "is_authenticated", False):
        return False
    if has_role(user):  # admins
        return True
    role = class_role(user.id, announcement.class_id)
    return role == "head_teacher" or (role == "grader" and announcement.author_id == user.id)


def register(app) -> None:
    register_policy(app, "announcement.edit", may_edit)
