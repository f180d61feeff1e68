"""Error pages for the site and the JSON error format for /api/."""
from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .api import ApiError, error_response

# Codes the API uses for plain HTTP errors.
_API_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
    415: "unsupported_media_type", 422: "unprocessable", 429: "rate_limited",
    500: "internal_error",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _page_messages():
    return {
        400: (_("Bad request"), _("The request could not be understood.")),
        403: (_("Access denied"), _("You do not have permission to open this page.")),
        404: (_("Page not found"), _("The page you asked for does not exist or was removed.")),
        405: (_("Method not allowed"), _("This page does not accept that kind of request.")),
        413: (_("Too large"), _("What you sent is larger than allowed.")),
        429: (_("Too many requests"), _("You have tried too often. Wait a minute and try again.")),
        500: (_("Something went wrong"), _("An unexpected error happened. It has been logged.")),
    }


def _render_page(status: int, detail: str | None = None):
    title, message = _page_messages().get(status, (_("Error"), _("The request failed.")))
    return render_template("errors/error.html", status=status, title=title,
                           message=detail or message), status


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    if _wants_json():
        message = error.description if status != 500 else "Internal server error."
        return error_response(status, _API_CODES.get(status, "error"), message)
    return _render_page(status)


def handle_csrf_error(error: CSRFError):
    if _wants_json():
        return error_response(400, "csrf_failed", error.description)
    current_app.logger.info("CSRF rejected on %s: %s", request.path, error.description)
    return _render_page(400, _("Your form expired or was not sent from this site. "
                               "Go back, reload the page and try again."))


def handle_api_error(error: ApiError):
    return error_response(error.status, error.code, error.message)


def handle_unexpected(error: Exception):
    from flask import current_app

    current_app.logger.exception("Unhandled error on %s", request.path)
    if _wants_json():
        return error_response(500, "internal_error", "Internal server error.")
    return _render_page(500)


def register_error_handlers(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
