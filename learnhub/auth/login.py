"""Flask-Login wiring: server-side login sessions, the user loader, unauthorised requests.

The signed cookie holds the user id (Flask-Login's `_user_id`) and, beside it, the random
id of a `LoginSession` row (`services.LOGIN_SESSION_KEY`). The loader accepts the cookie
only while that row is live, so logout, a password change, a reset or a deactivation
end the session on the server: a copied cookie stops working too. The loaded user is a
`SignedInUser` (identity.py): the row's columns, no ORM object.
"""
from __future__ import annotations

from flask import g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user

from ..core.api import error_response
from ..extensions import login_manager
from . import services
from .identity import SignedInUser
from .models import User


def load_user(user_id: str) -> SignedInUser | None:
    loaded = services.load_session_user(user_id, session.get(services.LOGIN_SESSION_KEY))
    if loaded is None:
        return None
    user, g.login_session = loaded
    return user


def start_login(user: User | SignedInUser) -> None:
    """Log this browser in as `user` with a new server-side session (login, password change)."""
    secret = services.start_session(user, request.user_agent.string, request.remote_addr)
    session[services.LOGIN_SESSION_KEY] = secret
    login_user(user)


def current_login_session() -> services.LiveSession | None:
    """The live login session of this request's cookie, or None (anonymous, bearer token)."""
    current_user._get_current_object()  # runs the loader if nothing asked for the user yet
    return g.get("login_session")


def register_user_loader() -> None:
    login_manager.user_loader(load_user)

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api/"):
            return error_response(401, "unauthorized", _l("Log in or send 'Authorization: Bearer <token>'."))
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
