"""/api/v1 discussions: search (API.md, Discussions). Written by the search part."""
from __future__ import annotations

from . import bp  # noqa: F401
