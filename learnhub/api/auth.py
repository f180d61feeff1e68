"""/api/v1/auth/token and /api/v1/me."""
from __future__ import annotations

from flask import g, jsonify
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth import services as auth_services
from ..auth.views import rate_limited
from ..core.api import ApiError, json_body, require_string
from ..extensions import db
from . import bearer_token, bp


def iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


@bp.post("/auth/token")
@rate_limited
def create_token():
    data = json_body()
    username = require_string(data, "username", 64)
    password = require_string(data, "password", 256)
    user = auth_services.authenticate(username, password)
    if user is None or not user.active:
        raise ApiError(401, "invalid_credentials", _l("Invalid username or password."))
    token, record = auth_services.issue_token(user)
    auth_services.record_login(user)
    db.session.commit()
    return jsonify({"token": token, "expires_at": iso(record.expires_at)}), 201


@bp.delete("/auth/token")
def revoke_token():
    token = bearer_token()
    record = auth_services.find_token(token) if token and g.get("bearer_user") else None
    if record is None:
        raise ApiError(400, "no_token", _l("Send the token to revoke as 'Authorization: Bearer <token>'."))
    auth_services.revoke_token(record)
    db.session.commit()
    return "", 204


@bp.get("/me")
def me():
    return jsonify({"id": current_user.id, "username": current_user.username,
                    "display_name": current_user.display_name, "role": current_user.role,
                    "locale": current_user.locale})
