"""Quiz settings from a quiz file's YAML front matter, validated with line numbers."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from ..courses.loader import parse_requires

KINDS = ("practice", "exam")
GRADING = ("highest", "last", "first", "average")
REVIEW = ("score_only", "answers_after_submit", "answers_after_close")
LAYOUTS = ("all", "one_per_page")
DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
KEYS = {"title", "kind", "time_limit", "attempts", "grading", "pass_percent", "shuffle_questions",
        "shuffle_options", "draw", "review", "opens_at", "closes_at", "grace", "points",
        "layout", "focus_warning", "manual_review", "requires"}


@dataclass(frozen=True)
class QuizSettings:
    title: str
    kind: str = "practice"
    time_limit: int | None = None            # seconds; None = untimed
    attempts: int | None = None              # None = unlimited
    grading: str = "highest"
    pass_percent: float = 60.0
    shuffle_questions: bool = False
    # GIFT authors write the right answer first: in file order the position gives the key
    # away, so options are shuffled per attempt (exams and practice alike) unless a file
    # says `shuffle_options: false`, which `content check` warns about.
    shuffle_options: bool = True
    draw: int | dict | None = None           # total, or {category: count}
    review: str = "answers_after_submit"
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    grace: int = 30                          # seconds
    points: float | dict = 1.0               # default, or {question title: points}
    layout: str = "all"
    focus_warning: int | None = None         # warn the member after this many focus losses
    manual_review: tuple = field(default_factory=tuple)  # titles graded by staff
    requires: tuple = field(default_factory=tuple)  # prerequisites: unit slugs, quiz:slug


def parse_duration(value) -> int:
    """'30m', '90s', '1h30m' or a number of seconds → seconds."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        seconds = value
    else:
        match = DURATION.match(str(value).strip().replace(" ", ""))
        if not match or not any(match.groups()):
            raise ValueError
        hours, minutes, secs = (int(g or 0) for g in match.groups())
        seconds = hours * 3600 + minutes * 60 + secs
    if seconds <= 0:
        raise ValueError
    return seconds


def parse_time(value, tz: str) -> datetime:
    """A YAML date/datetime or ISO string; naive values are in the configured time zone."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        moment = datetime.fromisoformat(str(value).strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz))
    return moment.astimezone(timezone.utc)


def _choice(meta, key, allowed, errors):
    value = meta.get(key)
    if value is not None and value not in allowed:
        errors.append((key, f"'{key}' must be one of {', '.join(allowed)}, not {value!r}"))
        return None
    return value


def _positive_int(meta, key, errors, allow_zero=False):
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < (0 if allow_zero else 1):
        errors.append((key, f"'{key}' must be a whole number of at least {0 if allow_zero else 1}"))
        return None
    return value


def _draw(meta, errors):
    value = meta.get("draw")
    if value is None:
        return None
    if isinstance(value, dict) and value and all(
            isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value.values()):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    errors.append(("draw", "'draw' must be a positive number or a mapping of category to number"))
    return None


def _points(meta, errors):
    value = meta.get("points", 1.0)
    number = (int, float)
    if isinstance(value, number) and not isinstance(value, bool) and value > 0:
        return float(value)
    if isinstance(value, dict) and all(isinstance(v, number) and not isinstance(v, bool) and v >= 0
                                       for v in value.values()):
        return {str(k): float(v) for k, v in value.items()}
    errors.append(("points", "'points' must be a positive number or a mapping of question title to points"))
    return 1.0


def _times(meta, tz, errors):
    moments = {}
    for key in ("opens_at", "closes_at"):
        if meta.get(key) is None:
            moments[key] = None
            continue
        try:
            moments[key] = parse_time(meta[key], tz)
        except (TypeError, ValueError):
            errors.append((key, f"'{key}' must be a date and time like 2026-12-01 09:00"))
            moments[key] = None
    if moments["opens_at"] and moments["closes_at"] and moments["opens_at"] >= moments["closes_at"]:
        errors.append(("closes_at", "'closes_at' must be after 'opens_at'"))
    return moments


def _durations(meta, errors):
    values = {}
    for key, default in (("time_limit", None), ("grace", 30)):
        if meta.get(key) is None:
            values[key] = default
            continue
        try:
            values[key] = parse_duration(meta[key])
        except ValueError:
            errors.append((key, f"'{key}' must be a duration like 30m, 90s or 1h30m"))
            values[key] = default
    return values


def settings_from_meta(meta: dict, tz: str) -> tuple[QuizSettings | None, list[tuple[str, str]]]:
    """(settings, errors); each error is (front matter key, message)."""
    errors: list[tuple[str, str]] = []
    for key in meta:
        if key not in KEYS:
            errors.append((str(key), f"unknown front matter key '{key}' (allowed: {', '.join(sorted(KEYS))})"))
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        errors.append(("title", "front matter needs a 'title'"))
    pass_percent = meta.get("pass_percent", 60)
    if isinstance(pass_percent, bool) or not isinstance(pass_percent, (int, float)) or not 0 <= pass_percent <= 100:
        errors.append(("pass_percent", "'pass_percent' must be a number from 0 to 100"))
        pass_percent = 60
    flags = {}
    for key in ("shuffle_questions", "shuffle_options"):
        flags[key] = meta.get(key, getattr(QuizSettings, key))
        if not isinstance(flags[key], bool):
            errors.append((key, f"'{key}' must be true or false"))
    manual = meta.get("manual_review") or []
    if not isinstance(manual, list) or not all(isinstance(t, str) for t in manual):
        errors.append(("manual_review", "'manual_review' must be a list of question titles"))
        manual = []
    requires, problem = parse_requires(meta.get("requires"))
    if problem:
        errors.append(("requires", problem))
    moments = _times(meta, tz, errors)
    durations = _durations(meta, errors)
    review = _choice(meta, "review", REVIEW, errors) or "answers_after_submit"
    if review == "answers_after_close" and moments["closes_at"] is None:
        errors.append(("review", "'review: answers_after_close' needs a 'closes_at'"))
    settings = QuizSettings(
        title=(title or "").strip(), kind=_choice(meta, "kind", KINDS, errors) or "practice",
        time_limit=durations["time_limit"], attempts=_positive_int(meta, "attempts", errors),
        grading=_choice(meta, "grading", GRADING, errors) or "highest",
        pass_percent=float(pass_percent), shuffle_questions=flags["shuffle_questions"] is True,
        shuffle_options=flags["shuffle_options"] is True, draw=_draw(meta, errors), review=review,
        opens_at=moments["opens_at"], closes_at=moments["closes_at"], grace=durations["grace"],
        points=_points(meta, errors), layout=_choice(meta, "layout", LAYOUTS, errors) or "all",
        focus_warning=_positive_int(meta, "focus_warning", errors), manual_review=tuple(manual),
        requires=requires,
    )
    return (None if errors else settings), errors


def grace_delta(settings: QuizSettings) -> timedelta:
    return timedelta(seconds=settings.grace)
