"""/api/v1/auth/token and /api/v1/me."""
from __future__ import annotations

from typing import Literal, Optional

from flask import g
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth import services as auth_services
from ..auth.models import ROLES
from ..auth.views import rate_limited
from ..core.api import ApiError
from ..extensions import db
from . import bearer_token, bp
from .schema import ApiDateTime, Body, Out, declare, text


class Credentials(Body):
    username: text(64)
    password: text(256)


class Token(Out):
    """Token issued"""

    token: str
    expires_at: ApiDateTime


class Me(Out):
    """The caller"""

    id: int
    username: str
    display_name: str
    role: Literal[ROLES]
    locale: Optional[str]


@bp.post("/auth/token")
@rate_limited
@declare("Exchange a username and password for a bearer token", body=Credentials,
         responses={201: Token}, errors=(401, 429), public=True, tags=("auth",))
def create_token(body: Credentials):
    user = auth_services.authenticate(body.username, body.password)
    if user is None or not user.active:
        raise ApiError(401, "invalid_credentials", _l("Invalid username or password."))
    token, record = auth_services.issue_token(user)
    auth_services.record_login(user)
    db.session.commit()
    return {"token": token, "expires_at": record.expires_at}


@bp.delete("/auth/token")
@declare("Revoke the bearer token sent with this request", responses={204: None}, errors=(400,),
         tags=("auth",))
def revoke_token():
    token = bearer_token()
    record = auth_services.find_token(token) if token and g.get("bearer_user") else None
    if record is None:
        raise ApiError(400, "no_token", _l("Send the token to revoke as 'Authorization: Bearer <token>'."))
    auth_services.revoke_token(record)
    db.session.commit()
    return None, 204


@bp.get("/me")
@declare("The caller's identity", responses={200: Me}, tags=("auth",))
def me():
    return current_user._get_current_object()
