"""/api/v1 discussions: subscriptions (API.md, Discussions). Written by the subscriptions part."""
from __future__ import annotations

from . import bp  # noqa: F401
