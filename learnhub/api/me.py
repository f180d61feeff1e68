"""/api/v1/me/password: the caller changes their own password."""
from __future__ import annotations

from flask import g, jsonify
from flask_babel import gettext as _
from flask_login import current_user

from ..auth import services as auth_services
from ..auth.login import start_login
from ..core.api import ApiError, json_body, require_string
from ..extensions import db
from . import bp


@bp.post("/me/password")
def change_my_password():
    """Ends the account's other sessions and tokens. A cookie caller carries on with a new
    session; a bearer caller gets a new token in the answer (its old one was revoked)."""
    data = json_body()
    current = require_string(data, "current", 256)
    new = require_string(data, "new", 256)
    user = current_user._get_current_object()
    try:
        auth_services.change_password(user, current, new)
    except auth_services.AccountError as error:
        raise ApiError(422, "invalid_password", str(error)) from None
    body = {"changed": True}
    if g.get("bearer_user") is not None:
        token, record = auth_services.issue_token(user)
        body.update(token=token, expires_at=record.expires_at.isoformat().replace("+00:00", "Z"))
    else:
        start_login(user)
    db.session.commit()
    body["message"] = _("Your password was changed. Other sessions were logged out.")
    return jsonify(body)
