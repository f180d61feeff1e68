"""The public lookup of a serial (the verify page and GET /api/v1/certificates/{serial}) is
rate limited per client address, across both (one shared scope): serials carry 80 random
bits, and the limit makes trying them one by one slower still. CERTIFICATE_VERIFY_RATE_LIMIT
overrides the default."""
from __future__ import annotations

from flask import current_app

SCOPE = "certificate-verify"
DEFAULT_LIMIT = "20 per minute;200 per hour"


def verify_limit() -> str:
    return current_app.config.get("CERTIFICATE_VERIFY_RATE_LIMIT", DEFAULT_LIMIT)
