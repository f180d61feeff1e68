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
    """Marks the session cookie Secure whenever the request came over https."""

    def get_cookie_secure(self, app):
        return super().get_cookie_secure(app) or request.is_secure


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    # A view that chose its own caching for a logged-in user keeps it (course images:
    # private, an hour); everything else for a logged-in user is never stored.
    if request.endpoint in NO_STORE_ENDPOINTS or (
            "Cache-Control" not in headers and must_not_be_stored()):
        headers["Cache-Control"] = "no-store"
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response
