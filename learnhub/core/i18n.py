"""Locale and time zone selection, and template helpers for dates."""
from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_babel import format_datetime
from flask_login import current_user

# Catalogs we ship. Babel parses zh_CN as zh_Hans_CN; the catalog folder is zh_Hans_CN.
SUPPORTED = ("en", "zh_CN")


def select_locale() -> str:
    if not has_request_context():
        return current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in SUPPORTED:
        return user_locale
    best = request.accept_languages.best_match(["en", "zh_CN", "zh"])
    if best == "zh":
        return "zh_CN"
    return best or "en"


def select_timezone() -> str:
    return current_app.config.get("TIMEZONE", "Asia/Shanghai")


def register_template_helpers(app) -> None:
    from flask_babel import get_locale

    from .times import zone_label

    app.add_template_global(zone_label)  # "Beijing time" / 北京时间, not Asia/Shanghai

    @app.template_filter("datetime")
    def _datetime(value, fmt="medium"):
        return format_datetime(value, fmt) if value else ""

    @app.context_processor
    def _locale():
        locale = get_locale()
        return {"html_lang": "zh-CN" if locale and locale.language == "zh" else "en"}
