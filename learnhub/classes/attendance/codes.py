"""Rotating check-in codes (what the staff screen's QR code shows) and scan tickets.

A code is `<session id>-<time step, hex>-<mac>`: the mac is the first 8 bytes of an
HMAC-SHA256 over (purpose, session id, step), keyed from SECRET_KEY, in lower-case base32
(13 characters). A step is 15 seconds; a code is accepted during its own step and the next
one (a grace of up to 15 s for aiming the phone), so a forwarded or photographed code is
refused after at most 30 s. 24-30 characters in all: with the host, a QR code of version
4-5, which a phone reads from the back of a room off a projector.

Beside the QR code the screen shows a 6-digit short code for phones whose camera cannot read
it: the same HMAC over (purpose "short", session id, step), as a number modulo 10^6. It is
accepted for the same window as the code of its step (that step and the next) and only with
the session named, so it needs no stored state. Six digits can be guessed, so typed codes are
rate limited per user and session (checkin_limits.py).

A scan ticket carries the moment a valid code was scanned through the login page (and a
first login's password change): it is `<session id>-<unix seconds>-<bind>-<mac>`, where
`bind` is a mac of a nonce that lives in a cookie of the scanning browser (so a ticket copied
to another device is worthless) and `mac` is over the session, the moment, `bind` and the id
of the user who scanned (0 for a scan made before logging in); it is honoured for
TICKET_SECONDS after the scan. The login page (which the cookie's path does not reach) can
still tell a genuine ticket and show what it checks in to (ticket_session). The nonce is `<random>.<mac>`: only nonces this server issued
are accepted, so a browser cannot be made to carry a value agreed with someone elsewhere.
A ticket scanned while logged in serves only that user; and one nonce checks in at most one
person per session (its digest is kept on the attendance record, unique per session).

Everything here is pure: the time comes in as an argument; nothing reads the request.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from flask import current_app
from flask_babel import lazy_gettext as _l

from ...core.errors import DomainError

STEP_SECONDS = 15
# scan -> login page -> a first login's new password -> back: slow typing on a phone fits.
TICKET_SECONDS = 15 * 60
OPENS_BEFORE = timedelta(minutes=30)  # check-in opens 30 min before starts_at, closes at ends_at
NONCE_COOKIE = "learnhub_checkin"

SHORT_CODE_DIGITS = 6
_SHORT = re.compile(r"[0-9]{%d}" % SHORT_CODE_DIGITS)  # fullmatch: no trailing newline
_CODE = re.compile(r"^([1-9][0-9]{0,9})-([0-9a-f]{1,12})-([a-z2-7]{13})$")
_TICKET = re.compile(r"^([1-9][0-9]{0,9})-([0-9]{1,12})-([a-z2-7]{13})-([a-z2-7]{13})$")
_NONCE = re.compile(r"^([A-Za-z0-9_-]{24})\.([a-z2-7]{13})$")


class InvalidCode(DomainError):
    status, code = 422, "invalid_code"


class CodeExpired(DomainError):
    status, code = 410, "code_expired"


class TicketUsed(DomainError):
    status, code = 409, "ticket_used"


@dataclass(frozen=True)
class Code:
    code: str
    step: int
    rotates_at: datetime  # when the screen should show the next code
    expires_at: datetime  # when this code stops being accepted
    short_code: str  # the 6 digits shown beside the QR code, valid as long as `code`


def _key() -> bytes:
    return _derived_key(current_app.config["SECRET_KEY"])


@lru_cache(maxsize=8)
def _derived_key(secret: str | bytes) -> bytes:
    """The check-in key of a SECRET_KEY, derived once per process and secret (keyed by the
    secret itself, so an app with another secret never gets this one's key)."""
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, b"learnhub.checkin", hashlib.sha256).digest()


def _mac(*fields) -> str:
    message = "|".join(str(f) for f in fields).encode()
    digest = hmac.new(_key(), message, hashlib.sha256).digest()[:8]
    return base64.b32encode(digest).decode().rstrip("=").lower()


def step_of(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def _step_start(step: int) -> datetime:
    return datetime.fromtimestamp(step * STEP_SECONDS, tz=timezone.utc)


def _short_code(session_id: int, step: int) -> str:
    message = f"short|{session_id}|{step}".encode()
    digest = hmac.new(_key(), message, hashlib.sha256).digest()[:8]
    return f"{int.from_bytes(digest, 'big') % 10 ** SHORT_CODE_DIGITS:0{SHORT_CODE_DIGITS}d}"


def code_for(session_id: int, now: datetime) -> Code:
    step = step_of(now)
    return Code(code=f"{session_id}-{step:x}-{_mac('code', session_id, step)}", step=step,
                rotates_at=_step_start(step + 1), expires_at=_step_start(step + 2),
                short_code=_short_code(session_id, step))


def check_short_code(session_id: int, short_code: object, now: datetime) -> None:
    """Accept the 6 digits shown for `session_id` during this step or the one before (the
    window of the QR code they were shown with); anything else is 422 invalid_code. An old
    code is not told apart from a wrong one: that would only help guessing."""
    if not isinstance(short_code, str) or _SHORT.fullmatch(short_code) is None:
        raise InvalidCode(_l("The code is the %(n)d digits shown beside the QR code.", n=SHORT_CODE_DIGITS))
    current = step_of(now)
    if not any(hmac.compare_digest(short_code, _short_code(session_id, step)) for step in (current, current - 1)):
        raise InvalidCode(_l("That is not the code on the screen now: type the %(n)d digits shown there.",
                             n=SHORT_CODE_DIGITS))


def read_code(code: object, now: datetime) -> int:
    """The session id of a code valid at `now`; 422 invalid_code (forged, malformed) or
    410 code_expired (genuine but older than its grace). Whether that session still takes
    check-ins is the caller's question (window_open)."""
    match = _CODE.match(code) if isinstance(code, str) else None
    if match is None:
        raise InvalidCode(_l("This is not a check-in code of this site."))
    session_id, step = int(match.group(1)), int(match.group(2), 16)
    if not hmac.compare_digest(match.group(3), _mac("code", session_id, step)):
        raise InvalidCode(_l("This is not a check-in code of this site."))
    current = step_of(now)
    if step < current - 1:
        raise CodeExpired(_l("This check-in code has expired: scan the code on the screen now."))
    if step > current + 1:  # a genuine code from the future: a clock is badly wrong
        raise InvalidCode(_l("This is not a check-in code of this site."))
    return session_id


def new_nonce() -> str:
    """A browser's check-in nonce: random, signed by this server (see valid_nonce)."""
    raw = secrets.token_urlsafe(18)
    return f"{raw}.{_mac('nonce', raw)}"


def valid_nonce(nonce: object) -> bool:
    """Whether `nonce` is one this server issued (new_nonce), not one a client made up."""
    match = _NONCE.match(nonce) if isinstance(nonce, str) else None
    return match is not None and hmac.compare_digest(match.group(2), _mac("nonce", match.group(1)))


def nonce_digest(nonce: str) -> str:
    """What is stored of a nonce (AttendanceRecord.scan_nonce): its SHA-256, in hex."""
    return hashlib.sha256(nonce.encode()).hexdigest()


def ticket_for(session_id: int, scanned_at: datetime, nonce: str, user_id: int | None = None) -> str:
    """The ticket of a scan in the browser holding `nonce`; bound to `user_id` if the scan
    was made logged in (None: before logging in, for whoever logs in in that browser)."""
    seconds, bind = int(scanned_at.timestamp()), _mac("bind", nonce)
    return f"{session_id}-{seconds}-{bind}-{_mac('ticket', session_id, seconds, bind, user_id or 0)}"


def _ticket_age_ok(scanned_at: datetime, now: datetime) -> bool:
    return -timedelta(seconds=STEP_SECONDS) <= now - scanned_at <= timedelta(seconds=TICKET_SECONDS)


def ticket_session(ticket: object, now: datetime) -> int | None:
    """The session id of a genuine, unexpired ticket scanned before logging in, without the
    browser's nonce: for the login page to say what the member is checking in to. Nothing is
    checked in on this alone (read_ticket is)."""
    match = _TICKET.match(ticket) if isinstance(ticket, str) else None
    if match is None:
        return None
    session_id, seconds, bind = int(match.group(1)), int(match.group(2)), match.group(3)
    if not hmac.compare_digest(match.group(4), _mac("ticket", session_id, seconds, bind, 0)):
        return None
    return session_id if _ticket_age_ok(datetime.fromtimestamp(seconds, tz=timezone.utc), now) else None


def read_ticket(ticket: object, nonce: str | None, now: datetime,
                user_id: int | None = None) -> tuple[int, datetime]:
    """(session id, when the code was scanned) of a ticket issued to this browser (its
    nonce cookie, one this server signed) no more than TICKET_SECONDS ago, scanned by
    `user_id` or before logging in."""
    match = _TICKET.match(ticket) if isinstance(ticket, str) else None
    if match is None or not valid_nonce(nonce):
        raise InvalidCode(_l("This check-in link is not valid here: scan the code on the screen again."))
    session_id, seconds, bind = int(match.group(1)), int(match.group(2)), match.group(3)
    owners = {0, user_id or 0}
    if not hmac.compare_digest(bind, _mac("bind", nonce)) or not any(
            hmac.compare_digest(match.group(4), _mac("ticket", session_id, seconds, bind, owner))
            for owner in owners):
        raise InvalidCode(_l("This check-in link is not valid here: scan the code on the screen again."))
    scanned_at = datetime.fromtimestamp(seconds, tz=timezone.utc)
    if not _ticket_age_ok(scanned_at, now):
        raise CodeExpired(_l("More than %(minutes)d minutes have passed since you scanned: scan the code on "
                             "the screen again.", minutes=TICKET_SECONDS // 60))
    return session_id, scanned_at


def window_open(starts_at: datetime, ends_at: datetime, moment: datetime) -> bool:
    """Check-in runs from 30 minutes before the start until the end of the session."""
    return starts_at - OPENS_BEFORE <= moment <= ends_at
