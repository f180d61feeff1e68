"""The roster's role rule: what a roster row (a file's, the one-member add, a record's edit,
the API's) may make someone in a class. Whether the account may be made staff at all is
classes' `class.be_staff` policy (asked through core.permissions.allowed)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The head teacher is appointed on the class's settings page, never from the roster.
ROSTER_ROLES = ("member", "grader")


def roster_role_refusal(role):
    """Why a roster row may not give `role` (None: it may); the message names the choices."""
    return None if role in ROSTER_ROLES else _l("The role in the class is member or grader.")
