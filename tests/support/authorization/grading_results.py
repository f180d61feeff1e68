"""The authorization matrix for grading's results part (tests/support/authorization/__init__.py
explains the table)."""
from __future__ import annotations

from tests.support.authorization.actors import LOGIN  # noqa: F401

# (endpoint, method): expected status for
#                                                  anonymous member other instructor staff admin
ROWS: dict = {}

# Where each endpoint is requested; {placeholders} are filled from the World.
PATHS: dict = {}
FORMS: dict = {}
JSON: dict = {}
