"""The API for certificates (grading.certificates): issue, the public verification, revoke."""
from __future__ import annotations

from typing import Annotated

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from pydantic import Field

from ..classes.loaders import load_class
from ..core.errors import NotFound
from ..core.types import utcnow
from ..extensions import db, limiter
from ..grading.certificates import services as certificates
from ..grading.certificates.limits import SCOPE, verify_limit
from ..grading.certificates.loaders import load_certificate
from ..grading.completion.services import MAX_USERNAMES
from . import bp
from .schema import ApiDate, ApiDateTime, Body, Out, declare, text

TAGS = ("certificates",)
SERIAL = {"serial": {"maxLength": certificates.SERIAL_MAX}}


class IssueIn(Body):
    usernames: Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]],
                         Field(min_length=1, max_length=MAX_USERNAMES)]


class IssuedCertificate(Out):
    serial: str
    username: str
    url: str = Field(description="the certificate's printable page")


class Issued(Out):
    """Certificates issued"""

    certificates: list[IssuedCertificate]


class Verification(Out):
    """What anyone may know of a serial"""

    valid: bool = Field(description="false once revoked")
    holder: str
    class_: str = Field(alias="class")
    issued_on: ApiDate

    model_config = {"serialize_by_alias": True, "validate_by_name": True, "extra": "forbid"}


class RevokeIn(Body):
    reason: text(certificates.REASON_MAX)


class Revoked(Out):
    """A revoked certificate"""

    serial: str
    valid: bool
    revoked_at: ApiDateTime


@bp.post("/classes/<int:class_id>/certificates")
@declare("Issue completion certificates to confirmed members (head teacher): 409 not_confirmed names "
         "members whose completion is not confirmed and nothing is issued; a member's live "
         "certificate comes back unchanged", body=IssueIn, responses={201: Issued},
         errors=(403, 404, 409), tags=TAGS)
def issue_certificates(class_id: int, body: IssueIn):
    school_class = load_class(class_id, "class.manage")
    issued = certificates.issue(current_user, school_class, body.usernames, utcnow())
    db.session.commit()
    return {"certificates": [{"serial": c.serial, "username": username,
                              "url": url_for("certificates.show", serial=c.serial)} for c, username in issued]}, 201


@bp.get("/certificates/<serial>")
@limiter.shared_limit(verify_limit, scope=SCOPE)
@declare("Verify a certificate (public, rate limited): whether it is valid, for whom, of which class, "
         "issued when; nothing else. A revoked certificate is valid: false; an unknown serial 404",
         responses={200: Verification}, errors=(404, 429), public=True, path=SERIAL, tags=TAGS)
def get_certificate(serial: str):
    facts = certificates.verification(certificates.find(serial))
    if facts is None:
        raise NotFound(404, "unknown_certificate", _l("No certificate has this serial number."))
    return facts


@bp.post("/certificates/<serial>/revoke")
@declare("Revoke a certificate with a reason (head teacher of its class); audited; 409 already_revoked",
         body=RevokeIn, responses={200: Revoked}, errors=(403, 404, 409), path=SERIAL, tags=TAGS)
def revoke_certificate(serial: str, body: RevokeIn):
    certificate = load_certificate(serial, "certificate.revoke")
    certificates.revoke(current_user, certificate, body.reason, utcnow())
    db.session.commit()
    return {"serial": certificate.serial, "valid": certificate.valid, "revoked_at": certificate.revoked_at}
