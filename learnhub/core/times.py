"""Times that come in from outside (API bodies, forms): parsed, converted to UTC, kept in range.

Python's datetime reaches from year 1 to 9999; converting a time near either end to another
offset overflows (OverflowError: a 500), and adding a grace period to a deadline near the end
does too. No time this site schedules lies outside MIN_YEAR..MAX_YEAR, so every time that comes
in is checked against that range before it is converted or stored: a clear 422 `invalid_field`.
"""
from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l

from .errors import DomainError

MIN_YEAR, MAX_YEAR = 2000, 2100


class InvalidTime(DomainError):
    status, code = 422, "invalid_field"


def _out_of_range(field: str | None) -> InvalidTime:
    if field:
        return InvalidTime(_l("'%(field)s' must be a time between the years %(low)d and %(high)d.",
                              field=field, low=MIN_YEAR, high=MAX_YEAR))
    return InvalidTime(_l("Times must lie between the years %(low)d and %(high)d.", low=MIN_YEAR, high=MAX_YEAR))


def in_range(moment: datetime | None) -> bool:
    """Whether `moment` (aware or not) falls in MIN_YEAR..MAX_YEAR, in its own offset and in UTC."""
    if moment is None:
        return True
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        return False
    if moment.tzinfo is not None:  # safe: the year is far from datetime's limits
        return MIN_YEAR - 1 <= moment.astimezone(timezone.utc).year <= MAX_YEAR + 1
    return True


def check_time(moment: datetime | None, field: str | None = None) -> datetime | None:
    """`moment` unchanged if it is None or in range; else a 422 invalid_field."""
    if moment is not None and (not isinstance(moment, datetime) or not in_range(moment)):
        raise _out_of_range(field)
    return moment


def local_to_utc(local: datetime | None, zone: tzinfo, field: str | None = None) -> datetime | None:
    """A wall-clock time typed in a form (in `zone`) as aware UTC; out of range is a 422."""
    if local is None:
        return None
    check_time(local, field)
    return local.replace(tzinfo=zone).astimezone(timezone.utc)


def site_zone() -> ZoneInfo:
    """The site's time zone (TIMEZONE): the wall clock that forms show and take."""
    return ZoneInfo(current_app.config["TIMEZONE"])


def form_to_utc(local: datetime | None) -> datetime | None:
    """A time typed in a form (the site's time zone) as aware UTC; out of range is a 422
    DomainError, shown on the form."""
    return local_to_utc(local, site_zone())


def utc_to_form(moment: datetime | None) -> datetime | None:
    """An aware time as the site's naive wall-clock time, for a form field or an export."""
    return None if moment is None else moment.astimezone(site_zone()).replace(tzinfo=None)


def parse_iso(value: object, field: str, naive_zone: tzinfo | None = None) -> datetime | None:
    """An ISO 8601 time as aware UTC, or None if `value` is not one (the caller says why).

    A time without an offset is refused (None) unless `naive_zone` is given, in which case it
    is read in that zone. A well-formed time outside the range is a 422 invalid_field.
    """
    if not isinstance(value, str) or not 10 < len(value) <= 40:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        if naive_zone is None:
            return None
        check_time(moment, field)
        moment = moment.replace(tzinfo=naive_zone)
    check_time(moment, field)
    return moment.astimezone(timezone.utc)


# Zones by the name people use for them; any other zone is shown by its tz database name.
# China has one civil time, Beijing time, whatever the city the tz database names it after.
_ZONE_LABELS = {
    "Asia/Shanghai": _l("Beijing time"), "Asia/Chongqing": _l("Beijing time"),
    "Asia/Chungking": _l("Beijing time"), "Asia/Harbin": _l("Beijing time"), "PRC": _l("Beijing time"),
    "UTC": _l("UTC"), "Etc/UTC": _l("UTC"), "Etc/UCT": _l("UTC"), "UCT": _l("UTC"), "Zulu": _l("UTC"),
}


def zone_label(zone: str | tzinfo | None = None) -> str:
    """`zone` (default: the site's TIMEZONE) as people name it, in the page's language:
    "Beijing time" / 北京时间 for Asia/Shanghai; an unfamiliar zone by its own name."""
    if zone is None:
        zone = current_app.config.get("TIMEZONE", "Asia/Shanghai")
    name = getattr(zone, "key", None) or str(zone)
    label = _ZONE_LABELS.get(name)
    return str(label) if label is not None else name
