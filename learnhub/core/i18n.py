"""Locale and time zone selection, and template helpers for dates."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Callable

from babel import dates
from flask import current_app, g, has_request_context, request
from flask_babel import format_datetime, get_babel, get_locale, get_timezone, get_translations
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


_NAMED = ("short", "medium", "long", "full")


def datetime_formatter(fmt: str = "medium") -> Callable[[datetime | None], str]:
    """What the `datetime` filter does (flask_babel's format_datetime) with the request's
    locale, time zone and format looked up once, for a page that shows a time per row (the
    filter looks all three up on every call). Call it inside the request."""
    locale, zone = get_locale(), get_timezone()
    if fmt in _NAMED:
        fmt = get_babel().instance.date_formats.get(f"datetime.{fmt}") or fmt
    return lambda value: _formatted(value, fmt, locale, zone) if value else ""


@lru_cache(maxsize=4096)
def _formatted(value: datetime, fmt: str, locale, zone) -> str:
    """A time as text (babel's work, some 15-40 µs): the same times come back again and again
    (a thread's posts, read by a class)."""
    return dates.format_datetime(value, fmt, tzinfo=zone, locale=locale)


def request_translations():
    """This request's translations, found once. flask-babel finds them again on every call
    (a dozen context-local lookups each), and a page calls gettext dozens of times. Kept
    beside flask-babel's own per-request state, for the locale they were found for: a
    `force_locale` block or `refresh()` changes that locale, and they are found again."""
    babel_state = g.get("_flask_babel")
    if babel_state is not None:
        found = getattr(babel_state, "learnhub_translations", None)
        if found is not None and found[0] is getattr(babel_state, "babel_locale", None):
            return found[1]
    translations = get_translations()
    babel_state = g.get("_flask_babel")  # get_translations made it
    if babel_state is not None and getattr(babel_state, "babel_locale", None) is not None:
        babel_state.learnhub_translations = (babel_state.babel_locale, translations)
    return translations


def register_template_helpers(app) -> None:
    from .times import zone_label

    # Templates' _(), ngettext, pgettext: what babel.init_app installed (just before), over
    # this request's translations found once.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.add_template_global(zone_label)  # "Beijing time" / 北京时间, not Asia/Shanghai

    @app.template_filter("datetime")
    def _datetime(value, fmt="medium"):
        return format_datetime(value, fmt) if value else ""

    @app.context_processor
    def _locale():
        locale = get_locale()
        return {"html_lang": "zh-CN" if locale and locale.language == "zh" else "en"}
