"""Schedules from higher features: "what window, time limit and attempts apply to this member
at this quiz now?"

The quiz engine must not know about classes (they are a higher feature), yet it enforces
their scheduled exams. So a higher feature registers a provider in its init_app:

    register_schedule_provider(app, provider)   # provider(user, quiz_row, now) -> Schedule | None

and the engine asks `schedule_for(user, quiz_row, now)` when it starts an attempt or shows
a quiz. Without a schedule the quiz file's own settings apply, as before.

An attempt records the schedule it ran under (settings["schedule"]: source, id, override)
and the latest close known at its start. That close can move later (the exam extended, a
member given a later window), so before showing answers "after close" the engine asks again:

    register_latest_close_provider(app, provider)   # provider(recorded: dict) -> datetime | None

`latest_close_for(recorded)` is the latest close, now, of that schedule for anyone (None when
no provider knows it, e.g. the exam was cancelled: the recorded close applies then).
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
    source_id: int | None = None           # e.g. the ClassExam id
    override_id: int | None = None         # the member's ExamOverride, if any
    label: str = ""                        # shown to the member, e.g. the class's name
    # The latest close of this schedule for anyone (overrides included): answers shown
    # "after close" must wait for it, or an early finisher would see them too soon.
    review_closes_at: datetime | None = None


@dataclass(frozen=True)
class QuizRules:
    """What the engine enforces for one member: the file's settings with the schedule applied."""

    opens_at: datetime | None
    closes_at: datetime | None
    time_limit: int | None
    attempts_allowed: int | None  # None = unlimited
    schedule: Schedule | None = None

    @property
    def review_closes_at(self) -> datetime | None:
        if self.schedule is not None and self.schedule.review_closes_at is not None:
            return max(self.schedule.review_closes_at, self.closes_at)
        return self.closes_at


def register_schedule_provider(app, provider) -> None:
    app.extensions.setdefault(PROVIDERS_KEY, []).append(provider)


def register_latest_close_provider(app, provider) -> None:
    """provider(quiz_id) -> datetime | None: the latest close, now, of every schedule of that
    quiz (every class's exam, overrides included); None when it schedules none. Answers that
    wait for the close wait for all of them: a member of one class (or someone outside any)
    must not see the key while another class can still sit the exam."""
    app.extensions.setdefault(LATEST_CLOSE_KEY, []).append(provider)


def latest_close_for(quiz_id: int) -> datetime | None:
    """The latest close, now, of any schedule of the quiz (the latest any provider gives)."""
    closes = [moment for provider in current_app.extensions.get(LATEST_CLOSE_KEY, [])
              if (moment := provider(quiz_id)) is not None]
    return max(closes, default=None)


def schedule_for(user, quiz_row, now: datetime) -> Schedule | None:
    """The first schedule a provider returns for this member, quiz (its database row) and time."""
    if quiz_row is None or not getattr(user, "is_authenticated", True):
        return None
    for provider in current_app.extensions.get(PROVIDERS_KEY, []):
        schedule = provider(user, quiz_row, now)
        if schedule is not None:
            return schedule
    return None


def quiz_rules(quiz: QuizFile, schedule: Schedule | None) -> QuizRules:
    """A schedule replaces the file's window; its limit (if any) replaces the file's limit;
    its extra attempts add to the file's allowance (unlimited stays unlimited)."""
    settings = quiz.settings
    if schedule is None:
        return QuizRules(settings.opens_at, settings.closes_at, settings.time_limit, settings.attempts)
    attempts = None if settings.attempts is None else settings.attempts + schedule.extra_attempts
    return QuizRules(schedule.opens_at, schedule.closes_at,
                     schedule.time_limit_seconds or settings.time_limit, attempts, schedule)
