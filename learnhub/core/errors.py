"""One domain error, one way to show it: an error page for the site, the JSON error body for /api/."""
from __future__ import annotations

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A business rule refused the request: an HTTP status, a snake_case code, a message.

    `message` may be a lazy translation: it is resolved when shown, in the request's locale.
    Subclasses may fix `status` and `code` as class attributes and take only a message.
    """

    status = 400
    code = "error"

    def __init__(self, status: int | None = None, code: str | None = None, message=None):
        if message is None and code is None and not isinstance(status, int):
            status, message = None, status  # DomainSubclass("message")
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code
        self._message = message if message is not None else self.code
        super().__init__(str(self._message))

    @property
    def message(self) -> str:
        return str(self._message)


class NotFound(DomainError):
    """What the caller asked for does not exist, or they may not know that it does."""

    status, code = 404, "not_found"


class Forbidden(DomainError):
    """The caller may see the object but not do this with it."""

    status, code = 403, "forbidden"


class FieldError(DomainError):
    """422 `invalid_field` naming the field at fault; `fields` is the API's {name: message} map."""

    status, code = 422, "invalid_field"

    def __init__(self, field: str, message):
        super().__init__(message)
        self.field = field

    @property
    def fields(self) -> dict[str, str]:
        return {self.field: self.message}


def error_response(status: int, code: str, message: str, headers: dict | None = None,
                   fields: dict[str, str] | None = None):
    body = {"code": code, "message": str(message)}
    if fields is not None:  # 422 invalid_field: every field at fault, {name: message} (API.md)
        body["fields"] = {name: str(text) for name, text in fields.items()}
    response = jsonify({"error": body})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


# Codes the API uses for plain HTTP errors.
_API_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
    415: "unsupported_media_type", 422: "unprocessable", 429: "rate_limited",
    500: "internal_error", 503: "service_unavailable",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _page_messages():
    return {
        400: (_("Bad request"), _("The request could not be understood.")),
        403: (_("Access denied"), _("You do not have permission to open this page.")),
        404: (_("Page not found"), _("The page you asked for does not exist or was removed.")),
        405: (_("Method not allowed"), _("This page does not accept that kind of request.")),
        409: (_("Conflict"), _("The request conflicts with the current state.")),
        413: (_("Too large"), _("What you sent is larger than allowed.")),
        422: (_("Cannot be processed"), _("What you sent could not be accepted.")),
        429: (_("Too many requests"), _("You have tried too often. Wait a minute and try again.")),
        500: (_("Something went wrong"), _("An unexpected error happened. It has been logged.")),
        503: (_("Service unavailable"), _("The service is temporarily unavailable. Try again shortly.")),
    }


def render_error_page(status: int, detail: str | None = None, headers: dict | None = None):
    title, message = _page_messages().get(status, (_("Error"), _("The request failed.")))
    return render_template("errors/error.html", status=status, title=title,
                           message=detail or message), status, headers or {}


def _http_message(status: int, error: HTTPException) -> str:
    """The API's message for a plain HTTP error, in the request's language where we have one."""
    if status == 500:
        return _("Internal server error.")
    known = _page_messages().get(status)
    return str(known[1]) if known else (error.description or "")


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    headers = {}
    response = error.get_response()
    if "Allow" in response.headers:  # 405 must say which methods the resource accepts
        headers["Allow"] = response.headers["Allow"]
    if "Retry-After" in response.headers:
        headers["Retry-After"] = response.headers["Retry-After"]
    if wants_json():
        return error_response(status, _API_CODES.get(status, "error"), _http_message(status, error),
                              headers)
    return render_error_page(status, headers=headers)


def handle_csrf_error(error: CSRFError):
    if wants_json():
        return error_response(400, "csrf_failed",
                              _("The CSRF token is missing or invalid: send the X-CSRFToken header."))
    current_app.logger.info("CSRF rejected on %s: %s", request.path, error.description)
    return render_error_page(400, _("Your form expired or was not sent from this site. "
                                    "Go back, reload the page and try again."))


def handle_domain_error(error: DomainError):
    if wants_json():
        return error_response(error.status, error.code, error.message, fields=getattr(error, "fields", None))
    return render_error_page(error.status, error.message)


def handle_unexpected(error: Exception):
    current_app.logger.exception("Unhandled error on %s", request.path)
    if wants_json():
        return error_response(500, "internal_error", _("Internal server error."))
    return render_error_page(500)


def register_error_handlers(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
