"""The member dashboard's home page panels (data: member_dashboard.py).

The home page reads as one record, what to do next first: `home_courses` (my courses with
progress and the next unit) heads the page; the party school's panels (classes, exams)
follow in the `home_page` slot, then this feature's record (recent results, study time
this week), then the catalog.
"""
from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from flask import current_app, g, render_template
from flask_babel import format_decimal, get_locale, gettext as _

from .member_dashboard import MemberDashboard, member_dashboard


def hours(seconds: int) -> str:
    """Study time as hours with one decimal ("1.5 h" / "1.5 小时"); a few minutes are not "0"."""
    if 0 < seconds < 360:
        return _("under 0.1 h")
    return _("%(hours)s h", hours=format_decimal(round(seconds / 3600, 1), format="0.#"))


def figure(value: float) -> str:
    """A score or percent with at most one decimal, in the page's language ("87.5", "10")."""
    return format_decimal(round(value, 1), format="0.#")


def day_label(day: date) -> str:
    """A weekday and date in the page's language: "Mon, Nov 23" / "11月23日周一"."""
    return format_skeleton("MMMEd", day, locale=get_locale() or "en")


def _dashboard(user) -> MemberDashboard:
    """Computed once per request: both panels read it."""
    if "member_dashboard" not in g:
        g.member_dashboard = member_dashboard(user, ZoneInfo(current_app.config["TIMEZONE"]))
    return g.member_dashboard


def courses_panel(user, **_context) -> str:
    if not getattr(user, "is_authenticated", False):
        return ""
    return render_template("progress/member_courses.html", dashboard=_dashboard(user), hours=hours, day_label=day_label, figure=figure)


def record_panel(user, **_context) -> str:
    """Recent results and this week's study time; nothing for someone with no course yet."""
    if not getattr(user, "is_authenticated", False):
        return ""
    dashboard = _dashboard(user)
    if not (dashboard.courses or dashboard.results or dashboard.week.total_seconds):
        return ""
    return render_template("progress/member_record.html", dashboard=dashboard, hours=hours, day_label=day_label, figure=figure)


def init_app(app) -> None:
    from ..core.panels import register_panel

    register_panel(app, "home_courses", courses_panel)
    # Last on the home page: what the member has done lately, after what waits for them
    # (classes, exams, discussions with new replies), whichever feature registers those.
    register_panel(app, "home_page", record_panel, order=200)
