"""/api/v1 discussions: reading (API.md, Discussions). Written by the reading part."""
from __future__ import annotations

from . import bp  # noqa: F401
