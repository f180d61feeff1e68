from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.types import TimestampMixin, UTCDateTime
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
    # Bumped on password change or deactivation: every older session stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Extra time on timed quizzes (WCAG 2.2.1): time limits are multiplied by this.
    time_factor: Mapped[float] = mapped_column(default=1.0, server_default="1")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

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
