"""Who may see and revoke a certificate (asked through core.permissions.allowed)."""
from __future__ import annotations

from ...classes.models import SchoolClass
from ...core.permissions import allowed, register_policy
from ...extensions import db


def _class_of(certificate) -> SchoolClass | None:
    return db.session.get(SchoolClass, certificate.class_id) if certificate is not None else None


def register(app) -> None:
    # The holder, and the staff of the certificate's class (admins through class.staff).
    register_policy(app, "certificate.view", lambda user, c: c is not None and getattr(user, "is_authenticated", False)
                    and user.id == c.user_id)
    register_policy(app, "certificate.view", lambda user, c: allowed(user, "class.staff", _class_of(c)))
    # The head teacher of the class.
    register_policy(app, "certificate.revoke", lambda user, c: allowed(user, "class.manage", _class_of(c)))
