"""Account rules. Functions take explicit arguments and flush; the caller commits."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from functools import lru_cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.types import utcnow
from ..extensions import db
from .models import LOCALES, ROLES, ApiToken, User

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,63}$")
MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    """A rule about accounts was broken; the message is safe to show."""


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def validate_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(_l("Passwords need at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def get_user_by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == normalise_username(username)))


def create_user(username: str, password: str, role: str = "member",
                display_name: str | None = None) -> User:
    username = normalise_username(username)
    if not USERNAME_PATTERN.match(username):
        raise AccountError(_l("Usernames are 2-64 characters: letters, digits, '.', '_' or '-'."))
    if role not in ROLES:
        raise AccountError(_l("Unknown role %(role)s; choose one of %(roles)s.", role=role, roles=", ".join(ROLES)))
    validate_password(password)
    if get_user_by_username(username) is not None:
        raise AccountError(_l("The username %(name)s is taken.", name=username))
    user = User(username=username, display_name=(display_name or "").strip() or username,
                password_hash=hash_password(password), role=role)
    db.session.add(user)
    db.session.flush()
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
    user.last_login_at = utcnow()


def set_password(user: User, password: str) -> None:
    validate_password(password)
    user.password_hash = hash_password(password)
    user.session_version += 1
    revoke_all_tokens(user)


def change_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current or ""):
        raise AccountError(_l("The current password is not correct."))
    set_password(user, new)


def set_locale(user: User, locale: str | None) -> None:
    if locale is not None and locale not in LOCALES:
        raise AccountError(_l("Unknown language."))
    user.locale = locale


def _active_admins() -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.role == "admin", User.active.is_(True))
    )


def change_role(actor: User, user: User, role: str) -> None:
    if role not in ROLES:
        raise AccountError(_l("Unknown role."))
    if user.role == "admin" and role != "admin" and user.active and _active_admins() <= 1:
        raise AccountError(_l("This is the last active administrator; make another one first."))
    user.role = role


def set_active(actor: User, user: User, active: bool) -> None:
    if not active:
        if user.id == actor.id:
            raise AccountError(_l("You cannot deactivate your own account."))
        if user.role == "admin" and user.active and _active_admins() <= 1:
            raise AccountError(_l("This is the last active administrator."))
        user.session_version += 1
        revoke_all_tokens(user)
    user.active = active


def load_session_user(session_id: str) -> User | None:
    """Flask-Login loader: the id carries a version so old sessions can be cut off."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> tuple[str, ApiToken]:
    token = secrets.token_urlsafe(32)
    days = current_app.config.get("API_TOKEN_DAYS", 30)
    record = ApiToken(user=user, token_hash=_token_digest(token),
                      expires_at=utcnow() + timedelta(days=days))
    db.session.add(record)
    db.session.flush()
    return token, record


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
    """Built once: every API request with a bearer token runs it."""
    return (select(User).join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == bindparam("digest"), ApiToken.revoked_at.is_(None),
                   ApiToken.expires_at > bindparam("now"), User.active.is_(True)))


def user_for_token(token: str) -> User | None:
    """The active user a live bearer token belongs to, in one query."""
    return db.session.scalar(_token_user_statement(),
                             {"digest": _token_digest(token), "now": utcnow()})


def revoke_token(record: ApiToken) -> None:
    record.revoked_at = utcnow()


def revoke_all_tokens(user: User) -> None:
    now = utcnow()
    for record in db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ):
        record.revoked_at = now
