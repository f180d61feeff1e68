"""Load a certificate by its serial for the current user (404 unless they may see it)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...core.errors import Forbidden, NotFound
from ...core.permissions import allowed
from .models import Certificate
from .services import find


def load_certificate(serial: str, action: str = "certificate.view") -> Certificate:
    """404 when there is no such serial or the caller is neither its holder nor staff of its
    class; 403 when they may see it but not `action` it."""
    certificate = find(serial)
    if certificate is None or not allowed(current_user, "certificate.view", certificate):
        raise NotFound(_l("No certificate %(serial)s.", serial=str(serial)[:40]))
    if not allowed(current_user, action, certificate):
        raise Forbidden(_l("You do not have permission to do this in this class."))
    return certificate
