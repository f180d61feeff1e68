"""/api/v1 discussions: moderation (API.md, Discussions). Written by the moderation part."""
from __future__ import annotations

from . import bp  # noqa: F401
