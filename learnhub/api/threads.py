"""/api/v1 discussions: threads (API.md, Discussions). Written by the threads part."""
from __future__ import annotations

from . import bp  # noqa: F401
