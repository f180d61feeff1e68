"""Load an account for the admin's pages, or refuse with a DomainError (404)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.errors import NotFound
from ..extensions import db
from .models import User


def load_user(user_id: int) -> User:
    """The account with this id (the admin pages ask `admin.manage_users` before)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("No user %(id)s.", id=user_id))
    return user
