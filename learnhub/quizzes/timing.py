"""An attempt's clock: its deadline, and until when it takes answers (the deadline plus grace).

`attempt` is an Attempt or a row with its `state`, `deadline` and `grace_seconds`.
"""
from __future__ import annotations

from datetime import datetime, timedelta


def compute_deadline(started_at: datetime, time_limit: int | None, time_factor: float,
                     closes_at: datetime | None) -> datetime | None:
    """The earlier of start + limit × the member's factor, and the close time.

    With a class's schedule, `time_limit` and `closes_at` are the schedule's (the member's
    override's where it sets them); the member's accommodation factor applies on top.
    """
    candidates = []
    if time_limit:
        candidates.append(started_at + timedelta(seconds=time_limit * time_factor))
    if closes_at:
        candidates.append(closes_at)
    return min(candidates) if candidates else None


def accepts_writes_until(attempt) -> datetime | None:
    if attempt.deadline is None:
        return None
    try:
        return attempt.deadline + timedelta(seconds=attempt.grace_seconds)
    except OverflowError:  # a deadline at the end of time (stored before times were range-checked)
        return datetime.max.replace(tzinfo=attempt.deadline.tzinfo)


def is_expired(attempt, now: datetime) -> bool:
    limit = accepts_writes_until(attempt)
    return attempt.state == "in_progress" and limit is not None and now > limit
