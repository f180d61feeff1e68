"""The JSON API (/api/v1): thin views over the feature services."""
from __future__ import annotations

from flask import Blueprint, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth import services as auth_services
from ..core.api import ApiError
from ..extensions import csrf, login_manager

bp = Blueprint("api", __name__, url_prefix="/api/v1")  # routes: the area modules, imported by init_app

PUBLIC_ENDPOINTS = {"api.create_token", "api.openapi", "api.get_certificate"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def load_user_from_bearer(req):
    """Bearer tokens authenticate /api/ requests without touching the session."""
    if not req.path.startswith("/api/"):
        return None
    token = bearer_token()
    user = auth_services.user_for_token(token) if token else None
    g.bearer_user = user
    return user


# What an account that must change its password may still call.
PASSWORD_CHANGE_ENDPOINTS = PUBLIC_ENDPOINTS | {"api.change_my_password", "api.revoke_token", "api.me"}


@bp.before_request
def authenticate():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    token = bearer_token()
    if token:
        # A bearer token decides who calls, even beside a session cookie, and needs no CSRF.
        user = g.bearer_user if "bearer_user" in g else auth_services.user_for_token(token)
        if user is None:
            # Refused: the error answer is a visitor's (its language is not looked up again).
            g.bearer_user, g._login_user = None, login_manager.anonymous_user()
            raise ApiError(401, "invalid_token", _l("The bearer token is invalid, expired or revoked."))
        g.bearer_user = g._login_user = user
    elif not current_user.is_authenticated:
        raise ApiError(401, "unauthorized", _l("Log in or send 'Authorization: Bearer <token>'."))
    elif request.method not in SAFE_METHODS:
        csrf.protect()  # the session cookie needs the X-CSRFToken header on unsafe methods
    if current_user.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        raise ApiError(403, "password_change_required",
                       _l("Change your password first: POST /api/v1/me/password."))


def init_app(app) -> None:
    # The area modules add their routes to bp when first imported; bp is registered after them.
    from . import (  # noqa: F401
        announcements,
        assignments,
        attendance,
        auth,
        certificates,
        classes,
        completion,
        courses,
        exams,
        findings,
        gradebook,
        marking,
        me,
        moderation,
        notifications,
        openapi,
        progress,
        quizzes,
        reading,
        regrade,
        results,
        roster,
        search,
        statistics,
        subscriptions,
        threads,
    )

    csrf.exempt(bp)  # bearer requests need no CSRF; cookie requests are checked in authenticate()
    login_manager.request_loader(load_user_from_bearer)
    app.register_blueprint(bp)
