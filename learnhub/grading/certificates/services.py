"""Completion certificates (结业证书): issued by the head teacher to confirmed members,
verified by anyone who holds the serial, revoked with a reason.

A serial is `LH-<year>-XXXX-XXXX-XXXX-XXXX`: 16 characters of Crockford's base 32 from
`secrets` (80 random bits), so a serial cannot be guessed; the public lookup is rate limited
on top. One live certificate per member and class (a partial unique index): issuing again
returns the live one; after a revocation a new one (a new serial) may be issued.
Functions take explicit arguments and flush; the caller commits.
"""
from __future__ import annotations

import re
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...auth.models import User
from ...classes.models import SchoolClass
from ...classes.services import ensure_writable
from ...core.audit import audit
from ...core.database import Conflict, savepoint
from ...core.errors import DomainError, FieldError
from ...extensions import db
from ..completion import services as completion
from ..completion.models import CompletionConfirmation
from .models import Certificate

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U
GROUPS, GROUP_SIZE = 4, 4
SERIAL_RE = re.compile(r"^LH-\d{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$")
SERIAL_MAX = 40
REASON_MAX = 1000


class CertificateError(DomainError):
    status, code = 422, "invalid_certificate"


def new_serial(year: int) -> str:
    groups = ("".join(secrets.choice(ALPHABET) for _ in range(GROUP_SIZE)) for _ in range(GROUPS))
    return f"LH-{year:04d}-" + "-".join(groups)


def normalise_serial(serial) -> str | None:
    """The serial as stored, from what someone typed (case, spaces, O for 0, I/L for 1), or
    None when it cannot be one."""
    if not isinstance(serial, str) or len(serial) > SERIAL_MAX + 10:
        return None
    cleaned = re.sub(r"\s+", "", serial).upper()
    head, _sep, rest = cleaned.partition("-")
    rest = rest.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    cleaned = f"{head}-{rest}"
    return cleaned if SERIAL_RE.match(cleaned) else None


def find(serial) -> Certificate | None:
    normal = normalise_serial(serial)
    if normal is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.serial == normal))


def live_certificate(class_id: int, user_id: int) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(
        Certificate.class_id == class_id, Certificate.user_id == user_id, Certificate.revoked_at.is_(None)))


def class_certificates(class_id: int) -> dict[int, Certificate]:
    """{user_id: live certificate} of the class, one query."""
    return {c.user_id: c for c in db.session.scalars(select(Certificate).where(
        Certificate.class_id == class_id, Certificate.revoked_at.is_(None)))}


def member_certificates(user_id: int) -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).where(
        Certificate.user_id == user_id, Certificate.revoked_at.is_(None)).order_by(Certificate.issued_at.desc())))


def issue(actor: User, school_class: SchoolClass, usernames, now: datetime) -> list[tuple[Certificate, str]]:
    """A certificate for each of these members (confirmed ones only: 409 not_confirmed names
    the others and nothing is issued). A member with a live certificate keeps it (the same
    serial comes back). Returns (certificate, username) in the order asked."""
    ensure_writable(school_class)
    state = completion.class_completion(school_class, now)
    rows = completion.chosen_rows(state, usernames)
    unconfirmed = [r.username for r in rows if r.confirmation is None]
    if unconfirmed:
        raise CertificateError(409, "not_confirmed", _l(
            "Only members whose completion is confirmed get a certificate: %(names)s.",
            names=", ".join(unconfirmed)[:300]))
    live = class_certificates(school_class.id)
    issued = []
    for row in rows:
        certificate = live.get(row.user_id)
        if certificate is None:
            certificate = _create(actor, school_class, row, now)
        issued.append((certificate, row.username))
    db.session.flush()
    return issued


def _create(actor, school_class, row, now) -> Certificate:
    for _try in range(3):  # 80 random bits: a clash is for the test that forces one
        certificate = Certificate(serial=new_serial(now.year), class_id=school_class.id, user_id=row.user_id,
                                  holder_name=row.display_name or row.username, class_name=school_class.name,
                                  study_seconds=row.study_seconds, final_grade=row.final_grade,
                                  issued_by_id=actor.id, issued_at=now)
        try:
            with savepoint(db.session):
                db.session.add(certificate)
                db.session.flush()
        except Conflict:
            if live_certificate(school_class.id, row.user_id) is not None:
                raise CertificateError(409, "conflict", _l("Someone else just issued it: reload.")) from None
            continue
        audit(actor, "certificate.issue", certificate, class_id=school_class.id, username=row.username,
              serial=certificate.serial)
        return certificate
    raise CertificateError(409, "conflict", _l("Could not issue the certificate: try again."))


def revoke(actor: User, certificate: Certificate, reason, now: datetime) -> Certificate:
    """Revoke with a reason (kept and audited); it then verifies as not valid. 409 when it
    was already revoked."""
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise FieldError("reason", _l("Give a reason: it is kept in the audit log."))
    if len(reason) > REASON_MAX:
        raise FieldError("reason", _l("The reason is longer than %(n)d characters.", n=REASON_MAX))
    if certificate.revoked_at is not None:
        raise CertificateError(409, "already_revoked", _l("This certificate was already revoked."))
    certificate.revoked_at, certificate.revoked_by_id, certificate.revoke_reason = now, actor.id, reason
    audit(actor, "certificate.revoke", certificate, class_id=certificate.class_id, serial=certificate.serial,
          reason=reason)
    db.session.flush()
    return certificate


def verification(certificate: Certificate | None) -> dict | None:
    """What the public may know of a serial: valid, holder, class, issue date; nothing else."""
    if certificate is None:
        return None
    return {"valid": certificate.valid, "holder": certificate.holder_name, "class": certificate.class_name,
            "issued_on": local_day(certificate.issued_at)}


def local_day(moment: datetime):
    """The calendar day in the site's time zone (a certificate issued at 07:00 Beijing time is
    dated that day, not the day before in UTC)."""
    return moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


def confirmed_user_ids(class_id: int) -> set[int]:
    return set(db.session.scalars(select(CompletionConfirmation.user_id).where(
        CompletionConfirmation.class_id == class_id)))
