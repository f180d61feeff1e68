"""Accounts that must change their password (made by a roster import or an admin reset)
may do nothing else first: pages send them to the change form, the API answers 403
`password_change_required` (see learnhub/api/__init__.py)."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

# What such an account may still open: the change form itself, logging out, the probes.
PAGE_ENDPOINTS_ALLOWED = {"auth.account", "auth.logout", "auth.login", "static",
                          "health.healthz", "health.readyz"}


def must_change_password(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.must_change_password)


def send_to_password_form():
    """before_request: any other page redirects to the account page's password form."""
    if request.path.startswith("/api/") or request.endpoint in PAGE_ENDPOINTS_ALLOWED:
        return None
    if not must_change_password(current_user):
        return None
    flash(_("Choose a new password before you go on: the one you were given works only once."), "info")
    return redirect(url_for("auth.account", next=request.full_path.rstrip("?")))
