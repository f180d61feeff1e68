"""Account rules. Functions take explicit arguments and flush; the caller commits."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, delete, insert, or_, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.database import Conflict, savepoint
from ..core.errors import DomainError
from ..core.types import utcnow
from ..extensions import db
from . import identity
from .identity import SignedInUser, user_record
from .models import LOCALES, ROLES, ApiToken, LoginSession, User

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,63}$")
MIN_PASSWORD_LENGTH = 8


class AccountError(DomainError):
    """A rule about accounts was broken; the message is safe to show."""

    status, code = 422, "invalid_account"


class PasswordRefused(AccountError):
    """A password the rules refuse (too short, the current one wrong, the given one kept)."""

    code = "invalid_password"


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def validate_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise PasswordRefused(_l("Passwords need at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))


# One-time passwords are read off a slip or a screen and typed on a phone: lower-case
# letters and digits without the look-alikes (i, l, 1; o, 0), 16 symbols (~79 bits) in
# groups of four.
ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ONE_TIME_SYMBOLS = 16


def generate_password() -> str:
    """A random one-time password, e.g. `k7rm-2xqa-9hdf-tw3e` (roster imports, resets, new accounts)."""
    symbols = "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(ONE_TIME_SYMBOLS))
    return "-".join(symbols[i:i + 4] for i in range(0, ONE_TIME_SYMBOLS, 4))


def get_user_by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == normalise_username(username)))


def create_user(username: str, password: str, role: str = "member",
                display_name: str | None = None, must_change: bool = False) -> User:
    """`must_change`: someone else chose the password (a generated one, an admin's), so
    the first login asks for the person's own before anything else."""
    username = normalise_username(username)
    if not USERNAME_PATTERN.match(username):
        raise AccountError(_l("Usernames are 2-64 characters: letters, digits, '.', '_' or '-'."))
    if role not in ROLES:
        raise AccountError(_l("Unknown role %(role)s; choose one of %(roles)s.", role=role, roles=", ".join(ROLES)))
    validate_password(password)
    taken = AccountError(_l("The username %(name)s is taken.", name=username))
    if get_user_by_username(username) is not None:
        raise taken
    user = User(username=username, display_name=(display_name or "").strip() or username,
                password_hash=hash_password(password), role=role, must_change_password=must_change)
    try:
        with savepoint(db.session):
            db.session.add(user)
            db.session.flush()
    except Conflict:
        # A concurrent create of the same name won the unique constraint: the same answer.
        if get_user_by_username(username) is None:
            raise
        raise taken from None
    return user


def authenticate(username: str, password: str) -> User | None:
    """The user whose credentials these are, active or not; None for bad credentials."""
    user = get_user_by_username(username)
    if user is None:
        # Check against a hash of the same kind, so an unknown name costs the same time.
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    return user


def record_login(user: User) -> None:
    user_record(user).last_login_at = utcnow()


def set_password(user: User, password: str, must_change: bool = False) -> None:
    """New password: every login session of the account ends (the caller starts a new one
    for the browser that changed it) and its API tokens are revoked. `must_change` makes
    the next login change it first (an admin's reset); a password the person chose clears it."""
    validate_password(password)
    user = user_record(user)  # the row is written (the request's user is a SignedInUser)
    user.password_hash = hash_password(password)
    user.must_change_password = must_change
    end_all_sessions(user)
    revoke_all_tokens(user)


def change_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current or ""):
        raise PasswordRefused(_l("The current password is not correct."))
    set_password(user, new)


def choose_own_password(user: User, new: str) -> None:
    """The first step of an account that must change its password (a one-time password from
    a roster import, an admin's reset or a new account). The current password is not asked
    again: every live session of such an account began with it moments ago (set_password
    ends the others). The one given cannot be kept."""
    user = user_record(user)
    if not user.must_change_password:
        raise AccountError(_l("Your password is already your own: change it on your account page."))
    validate_password(new)
    if check_password_hash(user.password_hash, new):
        raise PasswordRefused(_l("Choose a password of your own, not the one you were given."))
    set_password(user, new)


def set_locale(user: User, locale: str | None) -> None:
    if locale is not None and locale not in LOCALES:
        raise AccountError(_l("Unknown language."))
    user_record(user).locale = locale


def _refuse_removing_last_admin(user: User, message) -> None:
    """Raise unless another active admin remains once `user` stops being one.

    Two admins removing each other at once must not leave none, so the admins are read
    under a lock held until the caller's commit: on PostgreSQL `FOR UPDATE` on every
    active admin row (and the target's), in id order; the second request waits, then
    reads the first one's result. SQLite has no row locks: `savepoint` (the caller's
    block) opens the transaction with BEGIN IMMEDIATE, so the read happens under the
    database's single write lock. The rows are re-read (populate_existing), never taken
    from objects loaded earlier in the request.
    """
    rows = db.session.scalars(
        select(User)
        .where(or_(and_(User.role == "admin", User.active.is_(True)), User.id == user.id))
        .order_by(User.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    admins = [row for row in rows if row.role == "admin" and row.active]
    if user in admins and len(admins) <= 1:
        raise AccountError(message)


def change_role(actor: User | None, user: User, role: str) -> None:
    """`actor` is None from the command line."""
    if role not in ROLES:
        raise AccountError(_l("Unknown role %(role)s; choose one of %(roles)s.", role=role, roles=", ".join(ROLES)))
    with savepoint(db.session):
        if role != "admin":
            _refuse_removing_last_admin(
                user, _l("This is the last active administrator; make another one first."))
        user.role = role
        db.session.flush()


def set_active(actor: User, user: User, active: bool) -> None:
    if not active and user.id == actor.id:
        raise AccountError(_l("You cannot deactivate your own account."))
    with savepoint(db.session):
        if not active:
            _refuse_removing_last_admin(user, _l("This is the last active administrator."))
            end_all_sessions(user)
            revoke_all_tokens(user)
        user.active = active
        db.session.flush()


# ---- login sessions ----------------------------------------------------------------------

# The key in Flask's (signed, client-side) session holding the login session's random id.
LOGIN_SESSION_KEY = "_login_session"
# last_seen_at is written at most this often: not a write per request.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)
MAX_USER_ID = 2**31 - 1


def session_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _session_limits(now) -> tuple:
    """(idle_since, born_since): a live session was seen after the first, created after the second."""
    config = current_app.config
    return (now - timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
            now - timedelta(hours=config["SESSION_LIFETIME_HOURS"]))


def start_session(user: User, user_agent: str | None = None, ip_address: str | None = None) -> str:
    """A new login session for `user`; returns the random id for the cookie (only its hash
    is stored). The user's ended or expired sessions are deleted on the way."""
    now = utcnow()
    idle_since, born_since = _session_limits(now)
    db.session.execute(delete(LoginSession).where(
        LoginSession.user_id == user.id,
        or_(LoginSession.ended_at.is_not(None), LoginSession.last_seen_at <= idle_since,
            LoginSession.created_at <= born_since)))
    secret = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, token_hash=session_digest(secret), created_at=now,
                                last_seen_at=now, user_agent=(user_agent or "")[:255] or None,
                                ip_address=(ip_address or "")[:45] or None))
    db.session.flush()
    return secret


def end_session(session_id: int) -> None:
    """Logout: the login session with this id ends (when it has not already)."""
    db.session.execute(_end_session_statement(), {"session_id": session_id, "now": utcnow()})


@lru_cache(maxsize=1)
def _end_session_statement():
    table = LoginSession.__table__
    return (update(table).where(table.c.id == bindparam("session_id"), table.c.ended_at.is_(None))
            .values(ended_at=bindparam("now")))


def end_all_sessions(user: User) -> None:
    """Password change, reset, deactivation: every browser logged in as `user` is logged out."""
    db.session.execute(update(LoginSession)
                       .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
                       .values(ended_at=utcnow()))


class LiveSession(NamedTuple):
    """The login session a cookie belongs to, as its user loader found it live."""

    id: int
    last_seen_at: datetime


def _user_columns() -> list:
    users = User.__table__
    return [users.c[name] for name in identity.COLUMNS]


@lru_cache(maxsize=1)
def _session_user_statement():
    """Built once: every logged-in page request runs it (the user's columns and their session
    in one query; Core, so no ORM object is loaded)."""
    users, sessions = User.__table__, LoginSession.__table__
    return (select(*_user_columns(), sessions.c.id, sessions.c.last_seen_at)
            .select_from(users.join(sessions, sessions.c.user_id == users.c.id))
            .where(sessions.c.token_hash == bindparam("digest"), users.c.id == bindparam("user_id"),
                   sessions.c.ended_at.is_(None), sessions.c.last_seen_at > bindparam("idle_since"),
                   sessions.c.created_at > bindparam("born_since"), users.c.active.is_(True)))


@lru_cache(maxsize=1)
def _touch_statement():
    table = LoginSession.__table__
    return (update(table).where(table.c.id == bindparam("session_id"),
                                table.c.last_seen_at < bindparam("stale_before"))
            .values(last_seen_at=bindparam("now")))


def load_session_user(user_id: str, secret: str | None) -> tuple[SignedInUser, LiveSession] | None:
    """The active user and their live login session for a cookie's (user id, session id).

    One query, on the request's connection, loading no ORM object. When the session was
    last marked seen a minute or more ago, last_seen_at is moved on in its own short
    transaction (on its own connection), so a page that commits nothing still keeps its
    session alive and the request's transaction is not touched. Only when this request
    already holds SQLite's write lock (it wrote before loading the user) would that
    connection wait on us: then the request's own transaction carries it.
    """
    if not secret or not user_id.isdigit() or len(user_id) > 10 or int(user_id) > MAX_USER_ID:
        return None
    now = utcnow()
    idle_since, born_since = _session_limits(now)
    connection = db.session.connection()
    row = connection.execute(_session_user_statement(), {
        "digest": session_digest(secret), "user_id": int(user_id),
        "idle_since": idle_since, "born_since": born_since}).first()
    if row is None:
        return None
    *user_columns, session_id, last_seen_at = row
    if now - last_seen_at >= LAST_SEEN_RESOLUTION:
        values = {"session_id": session_id, "now": now, "stale_before": now - LAST_SEEN_RESOLUTION}
        if _holds_sqlite_write_lock(connection):
            connection.execute(_touch_statement(), values)
        else:
            with db.engine.begin() as own:
                own.execute(_touch_statement(), values)
        last_seen_at = now
    return SignedInUser(*user_columns), LiveSession(session_id, last_seen_at)


def _holds_sqlite_write_lock(connection) -> bool:
    """`connection`: the request's, which the loader's query just used."""
    if connection.dialect.name != "sqlite":
        return False
    return connection.connection.dbapi_connection.in_transaction  # pysqlite: only after a write


# ---- API tokens ----------------------------------------------------------------------------

def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> tuple[str, ApiToken]:
    token = secrets.token_urlsafe(32)
    days = current_app.config.get("API_TOKEN_DAYS", 30)
    record = ApiToken(user_id=user.id, token_hash=_token_digest(token),
                      expires_at=utcnow() + timedelta(days=days))
    db.session.add(record)
    db.session.flush()
    return token, record


def issue_tokens(user_ids: list[int]) -> list[str]:
    """One token per user id, in order, in one bulk INSERT (seeding thousands of accounts)."""
    tokens = [secrets.token_urlsafe(32) for _ in user_ids]
    expires_at = utcnow() + timedelta(days=current_app.config.get("API_TOKEN_DAYS", 30))
    if tokens:
        db.session.execute(insert(ApiToken), [
            {"user_id": user_id, "token_hash": _token_digest(token), "expires_at": expires_at}
            for user_id, token in zip(user_ids, tokens, strict=True)])
    return tokens


def find_token(token: str) -> ApiToken | None:
    """The live token record for a bearer token, or None."""
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_digest(token)))
    if record is None or record.revoked_at is not None or record.expires_at <= utcnow():
        return None
    if not record.user.active:
        return None
    return record


@lru_cache(maxsize=1)
def _token_user_statement():
    """Built once: every API request with a bearer token runs it (Core: no ORM object)."""
    users, tokens = User.__table__, ApiToken.__table__
    return (select(*_user_columns())
            .select_from(users.join(tokens, tokens.c.user_id == users.c.id))
            .where(tokens.c.token_hash == bindparam("digest"), tokens.c.revoked_at.is_(None),
                   tokens.c.expires_at > bindparam("now"), users.c.active.is_(True)))


def user_for_token(token: str) -> SignedInUser | None:
    """The active user a live bearer token belongs to: one query, no ORM object."""
    row = db.session.connection().execute(_token_user_statement(),
                                          {"digest": _token_digest(token), "now": utcnow()}).first()
    return SignedInUser(*row) if row is not None else None


def revoke_token(record: ApiToken) -> None:
    record.revoked_at = utcnow()


def revoke_all_tokens(user: User) -> None:
    now = utcnow()
    for record in db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ):
        record.revoked_at = now
