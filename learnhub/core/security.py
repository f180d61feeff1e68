"""Security headers, cookie flags and caching rules applied to every response."""
from __future__ import annotations

from flask import g, request
from flask.sessions import SecureCookieSessionInterface

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


# Responses that hand out a secret even though nobody is logged in yet.
NO_STORE_ENDPOINTS = {"api.create_token"}


def must_not_be_stored() -> bool:
    """Every response for a logged-in user (session cookie or bearer token) or to a request
    carrying credentials: answers, attempts, generated passwords, tokens, the account page.

    The user is the one this request already loaded (auth.login loads it before the view);
    nothing is queried here, and static files, which load no user, stay cacheable.
    """
    if request.endpoint in NO_STORE_ENDPOINTS or "Authorization" in request.headers:
        return True
    user = g.get("_login_user")  # Flask-Login's per-request user, when it was loaded
    return bool(user is not None and user.is_authenticated)


class SessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request came over https, and signs with
    one serializer per secret: Flask builds a new one for every request, and itsdangerous
    tries a serialisation each time it builds one."""

    def __init__(self) -> None:
        self._serializer = (None, None)  # (the keys it was built for, the serializer)

    def get_signing_serializer(self, app):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        built_for, serializer = self._serializer
        if built_for != keys:
            serializer = super().get_signing_serializer(app)
            self._serializer = (keys, serializer)
        return serializer

    def get_cookie_secure(self, app):
        return super().get_cookie_secure(app) or request.is_secure


# Added to every response that does not set its own (a few views set their own policy).
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
_SECURITY_HEADER_KEYS = frozenset(name.lower() for name, _value in SECURITY_HEADERS)
HSTS = ("Strict-Transport-Security", "max-age=31536000")


def set_security_headers(response):
    """after_request: the headers above, Cache-Control for what must not be stored, HSTS
    over https. The response's header names are read once (not a search per header)."""
    headers = response.headers
    present = {name.lower() for name in headers.keys()}
    if present.isdisjoint(_SECURITY_HEADER_KEYS):
        headers.extend(SECURITY_HEADERS)
    else:
        headers.extend([(name, value) for name, value in SECURITY_HEADERS if name.lower() not in present])
    # A view that chose its own caching for a logged-in user keeps it (course images:
    # private, an hour); everything else for a logged-in user is never stored.
    if request.endpoint in NO_STORE_ENDPOINTS or (
            "cache-control" not in present and must_not_be_stored()):
        headers["Cache-Control"] = "no-store"
    if request.is_secure and "strict-transport-security" not in present:
        headers.add(*HSTS)
    return response
