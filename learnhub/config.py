"""Configuration read from environment variables.

`LEARNHUB_ENV` picks the profile: `development` (the default, what `make run` uses on a
laptop), `production` (SECRET_KEY required, Secure cookies) or `test`.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """Raised when the environment is missing something production needs."""


# Four hours idle: longer than the longest exam we expect (three hours, more with a
# time_factor) even if the student saves no answer at all; every saved answer counts as
# activity. A day of lifetime: a copied cookie that is kept in use still dies within a
# day, and nobody is logged out during a day of classes and exams.
SESSION_IDLE_MINUTES = 240
SESSION_LIFETIME_HOURS = 24

# Settings every profile starts from; the environment or a test config may override them.
DEFAULTS = {
    "TIMEZONE": "Asia/Shanghai",
    "BABEL_DEFAULT_LOCALE": "en",
    "LOGIN_RATE_LIMIT": "10 per minute",          # per client address and username
    "LOGIN_ADDRESS_RATE_LIMIT": "300 per minute",  # per client address (a campus NAT)
    "API_TOKEN_DAYS": 30,
    "CONTENT_RELOAD_SECONDS": 2,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # Login sessions live on the server (auth.models.LoginSession) and end on logout, on a
    # password change, reset or deactivation, after this long without a request...
    "SESSION_IDLE_MINUTES": SESSION_IDLE_MINUTES,
    # ... and this long after logging in, however busy.
    "SESSION_LIFETIME_HOURS": SESSION_LIFETIME_HOURS,
    # The signed cookie itself is refused past the lifetime too (Flask's default: 31 days).
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=SESSION_LIFETIME_HOURS),
    "PASSWORD_HASH_METHOD": "scrypt",
    "TRUST_PROXY": False,
    # CSRF tokens live as long as the session: a 90-minute exam page must still be able to save.
    "WTF_CSRF_TIME_LIMIT": None,
    # An open thread polls for new replies this often, the header's badge for notifications
    # this often (conditional requests: an unchanged one is a 304 and one small query).
    "LIVE_POLL_SECONDS": 10,
    "NOTIFICATIONS_POLL_SECONDS": 30,
    # New threads, replies and edits per member (pages and API together).
    "DISCUSSION_POST_RATE_LIMIT": "6 per minute;60 per hour",
    # PostgreSQL connections each worker keeps open, and how many more it may open for a burst
    # (closed again when returned). A gevent worker serves hundreds of requests at once: with
    # SQLAlchemy's 5 + 10 (or even 15 + 5) an exam's crowd made it open and close backends
    # all the time; a fixed 20 per worker makes the rest wait for one instead.
    "DATABASE_POOL_SIZE": 20,
    "DATABASE_POOL_OVERFLOW": 0,
}


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _positive_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {value!r}")
    return int(value)


def _whole_number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ConfigError(f"{name} must be a whole number (0 or more), not {value!r}")
    return int(value)


def _dev_secret_key(instance_path: Path) -> str:
    """A development key generated once and kept in instance/ so sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{instance_path / 'learnhub.db'}"
    # Accept the common postgres:// spelling and use the psycopg 3 driver.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _ratelimit_storage(redis_url: str | None, production: bool) -> str:
    """Where login rate limits are counted: RATELIMIT_STORAGE_URI, else REDIS_URL, else memory.

    memory:// counts per process, so with N gunicorn workers a client gets N times the
    login limit. Production refuses it unless RATELIMIT_STORAGE_URI=memory:// is set
    explicitly (a single worker, or a decision to accept that).
    """
    explicit = os.environ.get("RATELIMIT_STORAGE_URI", "").strip()
    storage = explicit or redis_url or "memory://"
    if production and storage.startswith("memory://") and not explicit:
        raise ConfigError(
            "LEARNHUB_ENV=production needs shared storage for the login rate limits: set "
            "REDIS_URL (or RATELIMIT_STORAGE_URI, e.g. redis://host:6379/0). Without it each "
            "worker process keeps its own counts, so N workers allow N times the limit. To "
            "accept per-process limits anyway, set RATELIMIT_STORAGE_URI=memory:// explicitly."
        )
    return storage


def load_config(instance_path: Path) -> dict:
    """Build the settings dict from the environment for the current profile."""
    env = os.environ.get("LEARNHUB_ENV", "development")
    if env not in {"development", "production", "test"}:
        raise ConfigError(f"LEARNHUB_ENV must be development, production or test, not {env!r}")
    secret = os.environ.get("SECRET_KEY")
    if not secret:
        if env == "production":
            raise ConfigError("SECRET_KEY must be set when LEARNHUB_ENV=production")
        secret = _dev_secret_key(instance_path)
    redis_url = os.environ.get("REDIS_URL") or None
    production = env == "production"
    lifetime_hours = _positive_int("SESSION_LIFETIME_HOURS", SESSION_LIFETIME_HOURS)
    ratelimit_enabled = _bool("RATELIMIT_ENABLED", True)
    ratelimit_storage = _ratelimit_storage(redis_url, production and ratelimit_enabled)
    return {
        "LEARNHUB_ENV": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "CONTENT_DIR": os.environ.get("CONTENT_DIR", str(PROJECT_ROOT / "content")),
        "CONTENT_RELOAD_SECONDS": float(os.environ.get("CONTENT_RELOAD_SECONDS", "2")),
        "REDIS_URL": redis_url,
        "TIMEZONE": os.environ.get("TIMEZONE", "Asia/Shanghai"),
        "RATELIMIT_STORAGE_URI": ratelimit_storage,
        "RATELIMIT_ENABLED": ratelimit_enabled,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "LOGIN_ADDRESS_RATE_LIMIT": os.environ.get("LOGIN_ADDRESS_RATE_LIMIT", "300 per minute"),
        "CERTIFICATE_VERIFY_RATE_LIMIT": os.environ.get(
            "CERTIFICATE_VERIFY_RATE_LIMIT", "20 per minute;200 per hour"),
        "DISCUSSION_POST_RATE_LIMIT": os.environ.get(
            "DISCUSSION_POST_RATE_LIMIT", "6 per minute;60 per hour"),
        "API_TOKEN_DAYS": int(os.environ.get("API_TOKEN_DAYS", "30")),
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "SESSION_IDLE_MINUTES": _positive_int("SESSION_IDLE_MINUTES", SESSION_IDLE_MINUTES),
        "SESSION_LIFETIME_HOURS": lifetime_hours,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=lifetime_hours),
        "TRUST_PROXY": _bool("TRUST_PROXY", False),
        "LIVE_POLL_SECONDS": _positive_int("LIVE_POLL_SECONDS", 10),
        "NOTIFICATIONS_POLL_SECONDS": _positive_int("NOTIFICATIONS_POLL_SECONDS", 30),
        "DATABASE_POOL_SIZE": _positive_int("DATABASE_POOL_SIZE", DEFAULTS["DATABASE_POOL_SIZE"]),
        "DATABASE_POOL_OVERFLOW": _whole_number("DATABASE_POOL_OVERFLOW", DEFAULTS["DATABASE_POOL_OVERFLOW"]),
        "DATABASE_RETRY_AFTER": _positive_int("DATABASE_RETRY_AFTER", 10),
        "DATABASE_IDLE_PING_SECONDS": _whole_number("DATABASE_IDLE_PING_SECONDS", 30),
        "DEBUG": False,
        "TESTING": False,
    }


def make_test_config(database_url: str, content_dir: str | None = None) -> dict:
    """Settings for the test suite: fast hashing, no content reload delay."""
    return {
        "LEARNHUB_ENV": "test",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "CONTENT_DIR": content_dir or str(PROJECT_ROOT / "content"),
        "CONTENT_RELOAD_SECONDS": 0,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_ENABLED": True,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SESSION_COOKIE_SECURE": False,
    }
