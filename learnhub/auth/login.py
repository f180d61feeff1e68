"""Flask-Login wiring: the session user loader and what unauthorised requests get."""
from flask import redirect, request, url_for

from ..core.api import error_response
from ..extensions import login_manager
from . import services


def register_user_loader() -> None:
    login_manager.user_loader(services.load_session_user)

    @login_manager.unauthorized_handler
    def unauthorized():
        if request.path.startswith("/api/"):
            return error_response(401, "unauthorized", "Log in or send 'Authorization: Bearer <token>'.")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
