"""The authorization matrix for discussions: search (tests/support/authorization/__init__.py
explains the table; tests/support/discussions.py's matrix_discussions makes the objects).
Search is open to every member: what each finds is filtered (tests/discussions/search)."""
from __future__ import annotations

from tests.support.authorization.actors import LOGIN

#                                                  anonymous member other instructor staff admin
ROWS: dict = {
    ("search.index", "GET"):                        (LOGIN, 200,   200,   200,   200,   200),
    ("api.search_discussions", "GET"):              (401,   200,   200,   200,   200,   200),
}
PATHS: dict = {
    "search.index": "/search?q=Matrix",
    "api.search_discussions": "/api/v1/search?q=Matrix",
}
FORMS: dict = {}
JSON: dict = {}
