"""The authorization matrix for discussions: reading (tests/support/authorization/__init__.py
explains the table; tests/support/discussions.py's matrix_discussions makes the objects)."""
from __future__ import annotations

from tests.support.authorization.actors import LOGIN  # noqa: F401

#                                                  anonymous member other instructor staff admin
ROWS: dict = {}
PATHS: dict = {}
FORMS: dict = {}
JSON: dict = {}
