"""The authorization matrix for accounts, administration, health checks, API tokens and notifications
(tests/support/authorization/__init__.py explains the table)."""
from __future__ import annotations

from tests.support.authorization.actors import LOGIN
from tests.support.web import PASSWORD

# (endpoint, method): expected status for
#                                                  anonymous member other instructor staff admin
ROWS = {
    ("health.healthz", "GET"):                      (200,   200,   200,   200,   200,   200),
    ("health.readyz", "GET"):                       (200,   200,   200,   200,   200,   200),
    ("auth.login", "GET"):                          (200,   302,   302,   302,   302,   302),
    ("auth.login", "POST"):                         (200,   302,   302,   302,   302,   302),
    ("auth.logout", "POST"):                        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    ("auth.account", "GET"):                        (LOGIN, 200,   200,   200,   200,   200),
    ("auth.account", "POST"):                       (LOGIN, 302,   302,   302,   302,   302),
    # The focused first-login page: only an account that must change its password uses it
    # (tests/auth/test_password_change.py); everyone here need not, and is sent on (302).
    ("auth.first_password", "GET"):                 (LOGIN, 302,   302,   302,   302,   302),
    ("auth.first_password", "POST"):                (LOGIN, 302,   302,   302,   302,   302),
    ("admin.users", "GET"):                         (LOGIN, 403,   403,   403,   403,   200),
    ("admin.create_user", "GET"):                   (LOGIN, 403,   403,   403,   403,   200),
    ("admin.create_user", "POST"):                  (LOGIN, 403,   403,   403,   403,   200),
    ("admin.edit_user", "GET"):                     (LOGIN, 403,   403,   403,   403,   200),
    ("admin.change_role", "POST"):                  (LOGIN, 403,   403,   403,   403,   302),
    ("admin.toggle_active", "POST"):                (LOGIN, 403,   403,   403,   403,   302),
    ("admin.reset_password", "POST"):               (LOGIN, 403,   403,   403,   403,   200),
    ("api.openapi", "GET"):                         (200,   200,   200,   200,   200,   200),
    ("api.create_token", "POST"):                   (201,   201,   201,   201,   201,   201),
    ("api.revoke_token", "DELETE"):                 (401,   204,   204,   204,   204,   204),
    ("api.me", "GET"):                              (401,   200,   200,   200,   200,   200),
    ("api.change_my_password", "POST"):             (401,   200,   200,   200,   200,   200),
    # Notifications: everyone logged in has their own list (tests/core/test_notifications.py
    # checks that nobody reads or marks another's).
    ("notifications.index", "GET"):                 (LOGIN, 200,   200,   200,   200,   200),
    ("notifications.read_all", "POST"):             (LOGIN, 302,   302,   302,   302,   302),
    ("api.list_notifications", "GET"):              (401,   200,   200,   200,   200,   200),
    ("api.read_notifications", "POST"):             (401,   200,   200,   200,   200,   200),
}

# Where each endpoint is requested; {placeholders} are filled from the World.
PATHS = {
    "health.healthz": "/healthz",
    "health.readyz": "/readyz",
    "auth.login": "/login",
    "auth.logout": "/logout",
    "auth.account": "/account",
    "auth.first_password": "/account/first-password",
    "admin.users": "/admin/users",
    "admin.create_user": "/admin/users/new",
    "admin.edit_user": "/admin/users/{target}",
    "admin.change_role": "/admin/users/{target}/role",
    "admin.toggle_active": "/admin/users/{target}/active",
    "admin.reset_password": "/admin/users/{target}/reset-password",
    "api.openapi": "/api/v1/openapi.json",
    "api.create_token": "/api/v1/auth/token",
    "api.revoke_token": "/api/v1/auth/token",
    "api.me": "/api/v1/me",
    "api.change_my_password": "/api/v1/me/password",
    "notifications.index": "/notifications",
    "notifications.read_all": "/notifications/read",
    "api.list_notifications": "/api/v1/notifications",
    "api.read_notifications": "/api/v1/notifications/read",
}

# What the allowed actors send (page forms, API JSON bodies), so that they get the success
# the table expects.
FORMS = {
    ("auth.login", "POST"): {"username": "nobody", "password": "wrong-password"},
    ("auth.account", "POST"): {"prefs-display_name": "New name", "prefs-locale": "",
                               "prefs-save_preferences": "Save"},
    ("auth.first_password", "POST"): {"new_password": "taken-over-1", "confirm": "taken-over-1"},
    ("admin.create_user", "POST"): {"username": "newcomer", "display_name": "", "role": "member",
                                    "password": ""},
    ("admin.change_role", "POST"): {"role": "instructor", "change_role": "Change role"},
}
JSON = {
    ("api.create_token", "POST"): {"username": "member", "password": PASSWORD},
    ("api.change_my_password", "POST"): {"current": PASSWORD, "new": PASSWORD},
}
