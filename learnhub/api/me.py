"""/api/v1/me/password: the caller changes their own password."""
from __future__ import annotations

from typing import Optional

from flask import g
from flask_babel import gettext as _
from flask_login import current_user

from ..auth import services as auth_services
from ..auth.login import start_login
from ..extensions import db
from . import bp
from .schema import ApiDateTime, Body, Out, declare, text


class PasswordChange(Body):
    current: text(256)
    new: text(256)


class PasswordChanged(Out):
    """Changed"""

    changed: bool
    message: str
    token: Optional[str] = None
    expires_at: Optional[ApiDateTime] = None


@bp.post("/me/password")
@declare("Change the caller's password; ends the account's other sessions and tokens (a bearer "
         "caller gets a new token here)", body=PasswordChange, responses={200: PasswordChanged},
         errors=(429,), tags=("auth",))
def change_my_password(body: PasswordChange):
    """Ends the account's other sessions and tokens. A cookie caller carries on with a new
    session; a bearer caller gets a new token in the answer (its old one was revoked)."""
    user = current_user._get_current_object()
    auth_services.change_password(user, body.current, body.new)  # 422 invalid_password
    changed = {"changed": True}
    if g.get("bearer_user") is not None:
        token, record = auth_services.issue_token(user)
        changed.update(token=token, expires_at=record.expires_at)
    else:
        start_login(user)
    db.session.commit()
    changed["message"] = _("Your password was changed. Other sessions were logged out.")
    return changed
