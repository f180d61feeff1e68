"""The authorization matrix for grading's certificates part (tests/support/authorization/__init__.py
explains the table). {certificate} is the world's member's certificate; staff revokes it
first, so admin (allowed too) then finds it already revoked (422 on the page, 409 in the API).
The verify page and GET /api/v1/certificates/{serial} are public."""
from __future__ import annotations

from tests.support.authorization.actors import LOGIN

# (endpoint, method): expected status for
#                                                  anonymous member other instructor staff admin
ROWS: dict = {
    ("certificates.issue", "POST"):                 (LOGIN, 403,   404,   403,   302,   302),
    ("certificates.show", "GET"):                   (LOGIN, 200,   404,   200,   200,   200),
    ("certificates.revoke", "POST"):                (LOGIN, 403,   404,   403,   302,   422),
    ("certificates.verify", "GET"):                 (200,   200,   200,   200,   200,   200),
    ("certificates.lookup", "GET"):                 (200,   200,   200,   200,   200,   200),
    ("api.issue_certificates", "POST"):             (401,   403,   404,   403,   201,   201),
    ("api.get_certificate", "GET"):                 (200,   200,   200,   200,   200,   200),
    ("api.revoke_certificate", "POST"):             (401,   403,   404,   403,   200,   409),
}

# Where each endpoint is requested; {placeholders} are filled from the World.
PATHS: dict = {
    "certificates.issue": "/classes/{class}/certificates",
    "certificates.show": "/certificates/{certificate}",
    "certificates.revoke": "/certificates/{certificate}/revoke",
    "certificates.verify": "/verify/{certificate}",
    "certificates.lookup": "/verify",
    "api.issue_certificates": "/api/v1/classes/{class}/certificates",
    "api.get_certificate": "/api/v1/certificates/{certificate}",
    "api.revoke_certificate": "/api/v1/certificates/{certificate}/revoke",
}
FORMS: dict = {
    ("certificates.issue", "POST"): {"pick-usernames": "member"},
    ("certificates.revoke", "POST"): {"reason": "Issued by mistake"},
}
JSON: dict = {
    ("api.issue_certificates", "POST"): {"usernames": ["member"]},
    ("api.revoke_certificate", "POST"): {"reason": "Issued by mistake"},
}
