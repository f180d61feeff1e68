"""Who the authorization matrix asks, and how it writes a redirect to the login page."""
from __future__ import annotations

LOGIN = "login"  # a 302 to /login
ACTORS = ("anonymous", "member", "other", "instructor", "staff", "admin")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
