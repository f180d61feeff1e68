"""Schedules from higher features: "what window, time limit and attempts apply to this member
at this quiz, under which exam?"

The quiz engine must not know about classes (they are a higher feature), yet it enforces
their scheduled exams. So a higher feature registers a provider in its init_app:

    register_schedule_provider(app, provider)   # provider(user, quiz_row, now) -> [Schedule]

giving every schedule the member has at the quiz (one per class exam, their override
applied). An attempt belongs to ONE schedule for its whole life: the start names it (the API's
`{"exam": id}`, the page's hidden field), or it is the only one open; two open and none named
is 409 `choose_exam`. The attempt records the schedule's opaque `key` (attempts.schedule_key):
its attempts counted, its deadline, its review timing and its resets follow that schedule
only, never another class's. Without a schedule the quiz file's own settings apply.

Answers shown "after close" wait for the latest close, now, of the attempt's schedule (an
exam extended, a member's later window), asked of the provider that set the key:

    register_latest_close_provider(app, provider)   # provider(quiz_id, key) -> datetime | None

With `key` None (an attempt under the file's rules) it is the latest close of every schedule
of the quiz: someone outside any class must not see the key while a class can still sit it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from .loader import QuizFile

PROVIDERS_KEY = "learnhub_schedule_providers"
LATEST_CLOSE_KEY = "learnhub_latest_close_providers"


@dataclass(frozen=True)
class Schedule:
    """One member's schedule at one quiz (an override already applied by the provider)."""

    opens_at: datetime
    closes_at: datetime
    time_limit_seconds: int | None = None  # None: the quiz file's limit
    extra_attempts: int = 0                # on top of the file's `attempts`
    source: str = "class_exam"             # what set it, for the attempt's record
    source_id: int | None = None           # the id a start names (`exam`): the ClassExam id
    override_id: int | None = None         # the member's ExamOverride, if any
    label: str = ""                        # shown to the member, e.g. the class's name
    # The latest close of this schedule for anyone (overrides included): answers shown
    # "after close" must wait for it, or an early finisher would see them too soon.
    review_closes_at: datetime | None = None
    key: str | None = None                 # recorded on its attempts; only the provider reads it
    title: str = ""                        # what the member chooses by, e.g. the exam's title
    owner: dict | None = None              # who set it, as the API shows it: {"id", "name"}
    # The provider's own condition on a start under it, read with the schedule so that a gate
    # (progress: a class exam requiring its courses complete) asks nothing more; the engine
    # ignores it.
    requires_complete: bool = False

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at


@dataclass(frozen=True)
class QuizRules:
    """What the engine enforces for one member: the file's settings with the schedule applied."""

    opens_at: datetime | None
    closes_at: datetime | None
    time_limit: int | None
    attempts_allowed: int | None  # None = unlimited
    schedule: Schedule | None = None

    @property
    def key(self) -> str | None:
        """The schedule_key of attempts made under these rules (None: the file's own)."""
        return self.schedule.key if self.schedule is not None else None

    @property
    def review_closes_at(self) -> datetime | None:
        if self.schedule is not None and self.schedule.review_closes_at is not None:
            return max(self.schedule.review_closes_at, self.closes_at)
        return self.closes_at


def register_schedule_provider(app, provider) -> None:
    app.extensions.setdefault(PROVIDERS_KEY, []).append(provider)


def register_latest_close_provider(app, provider) -> None:
    app.extensions.setdefault(LATEST_CLOSE_KEY, []).append(provider)


def latest_close_for(quiz_id: int, key: str | None = None) -> datetime | None:
    """The latest close, now, of the schedule `key` (or of every schedule of the quiz when
    `key` is None); None when no provider knows it (e.g. the exam was cancelled)."""
    closes = [moment for provider in current_app.extensions.get(LATEST_CLOSE_KEY, [])
              if (moment := provider(quiz_id, key)) is not None]
    return max(closes, default=None)


def schedules_for(user, quiz_row, now: datetime) -> list[Schedule]:
    """Every schedule the providers give this member at this quiz (its database row)."""
    if quiz_row is None or not getattr(user, "is_authenticated", True):
        return []
    return [schedule for provider in current_app.extensions.get(PROVIDERS_KEY, [])
            for schedule in provider(user, quiz_row, now)]


def pick_schedule(candidates: list[Schedule], now: datetime) -> Schedule | None:
    """The one to show when none is named: open now (the one closing last), else the next to
    open, else the one that closed last."""
    if not candidates:
        return None
    open_now = [c for c in candidates if c.is_open(now)]
    if open_now:
        return max(open_now, key=lambda c: (c.closes_at, -(c.source_id or 0)))
    upcoming = [c for c in candidates if now < c.opens_at]
    if upcoming:
        return min(upcoming, key=lambda c: (c.opens_at, c.source_id or 0))
    return max(candidates, key=lambda c: (c.closes_at, -(c.source_id or 0)))


def named_schedule(candidates: list[Schedule], source_id: int | None) -> Schedule | None:
    return next((c for c in candidates if source_id is not None and c.source_id == source_id), None)


def schedule_for(user, quiz_row, now: datetime, source_id: int | None = None) -> Schedule | None:
    """The schedule named by `source_id` if the member has it, else the one `pick_schedule` shows."""
    return shown_schedule(schedules_for(user, quiz_row, now), now, source_id)


def shown_schedule(candidates: list[Schedule], now: datetime, source_id: int | None = None) -> Schedule | None:
    """schedule_for among schedules already read (schedules_for's)."""
    return named_schedule(candidates, source_id) or pick_schedule(candidates, now)


def quiz_rules(quiz: QuizFile, schedule: Schedule | None) -> QuizRules:
    """A schedule replaces the file's window; its limit (if any) replaces the file's limit;
    its extra attempts add to the file's allowance (unlimited stays unlimited)."""
    settings = quiz.settings
    if schedule is None:
        return QuizRules(settings.opens_at, settings.closes_at, settings.time_limit, settings.attempts)
    attempts = None if settings.attempts is None else settings.attempts + schedule.extra_attempts
    return QuizRules(schedule.opens_at, schedule.closes_at,
                     schedule.time_limit_seconds or settings.time_limit, attempts, schedule)
