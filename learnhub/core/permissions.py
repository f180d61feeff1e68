"""Role checks for views. Admins may do everything a role-restricted view allows."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

ADMIN = "admin"


def has_role(user, *roles: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role == ADMIN or user.role in roles


def role_required(*roles: str):
    """Require a logged-in user with one of `roles` (or admin); 403 otherwise."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not has_role(current_user, *roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
