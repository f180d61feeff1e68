"""Accounts that must change their password (a roster import, an admin's reset or a new
account with a generated password) may do nothing else first: every page sends them to
the focused first-password page, keeping where they were going (`next`); the API answers
403 `password_change_required` (see learnhub/api/__init__.py)."""
from __future__ import annotations

from flask import redirect, request, url_for
from flask_login import current_user

# What such an account may still open: the focused page itself, logging out, the probes.
PAGE_ENDPOINTS_ALLOWED = {"auth.first_password", "auth.logout", "auth.login", "static",
                          "health.healthz", "health.readyz"}


def must_change_password(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.must_change_password)


def first_password_url(next_url: str | None) -> str:
    return url_for("auth.first_password", next=next_url or None)


def send_to_password_form():
    """before_request: any other page redirects to the focused first-password page. Only a
    page that was being opened (GET) is kept as the destination; a form post is not replayed."""
    if request.path.startswith("/api/") or request.endpoint in PAGE_ENDPOINTS_ALLOWED:
        return None
    if not must_change_password(current_user):
        return None
    destination = request.full_path.rstrip("?") if request.method in ("GET", "HEAD") else None
    return redirect(first_password_url(destination))
