from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.types import TimestampMixin, UTCDateTime, utcnow
from ..extensions import db

ROLES = ("member", "instructor", "staff", "admin")
LOCALES = ("en", "zh_CN")


class User(TimestampMixin, UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('member', 'instructor', 'staff', 'admin')", name="role_known"),
        CheckConstraint("locale IS NULL OR locale IN ('en', 'zh_CN')", name="locale_known"),
        CheckConstraint("username = lower(username)", name="username_lowercase"),
        CheckConstraint("time_factor >= 1 AND time_factor <= 5", name="time_factor_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="member")
    locale: Mapped[str | None] = mapped_column(String(8), comment="None = from Accept-Language")
    active: Mapped[bool] = mapped_column(default=True)
    # Set for accounts made by a roster import or an admin reset: change the password first.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default="0")
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Extra time on timed quizzes (WCAG 2.2.1): time limits are multiplied by this.
    time_factor: Mapped[float] = mapped_column(default=1.0, server_default="1")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    # get_id() stays UserMixin's str(id): the cookie's login session id is kept beside it
    # (auth.login), so comparing two User objects still compares users.

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class ApiToken(TimestampMixin, db.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class LoginSession(db.Model):
    """One browser's login. The cookie carries a random id; only its SHA-256 is stored.

    The user loader accepts a cookie only while its row is live: not ended (logout,
    password change, deactivation), seen within SESSION_IDLE_MINUTES and younger than
    SESSION_LIFETIME_HOURS. A copied cookie dies with the row.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow,
                                                   comment="written at most once a minute")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_agent: Mapped[str | None] = mapped_column(String(255))
    ip_address: Mapped[str | None] = mapped_column(String(45))

    user: Mapped[User] = relationship()
