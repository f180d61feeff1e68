"""The completion rules' numbers, in one place (README: "Completion rules")."""
from __future__ import annotations

import math

from ..courses.index import UnitEntry

# `view`: the unit counts as read after this share of its estimated minutes of visible,
# active time on it, never less than the floor (a glance) nor more than the cap (a long
# unit must not ask for an hour); `dwell_seconds:` in the front matter overrides it.
DWELL_SHARE = 0.5
DWELL_FLOOR_SECONDS = 10
DWELL_CAP_SECONDS = 600
DWELL_WITHOUT_ESTIMATE_SECONDS = 60
# Scrolling to the end completes a `view` unit early, but only once a third of its dwell
# time is credited: a script that reports "end reached" at once completes nothing.
END_REACHED_DIVISOR = 3


def dwell_seconds(unit: UnitEntry) -> int:
    """Seconds of study time on a `view` unit that complete it."""
    if unit.dwell_seconds:
        return unit.dwell_seconds
    if not unit.estimated_minutes:
        return DWELL_WITHOUT_ESTIMATE_SECONDS
    share = round(unit.estimated_minutes * 60 * DWELL_SHARE)
    return max(DWELL_FLOOR_SECONDS, min(DWELL_CAP_SECONDS, share))


def end_reached_seconds(unit: UnitEntry) -> int:
    """Seconds of study time after which reaching the unit's end completes it."""
    return math.ceil(dwell_seconds(unit) / END_REACHED_DIVISOR)


def view_rule_met(unit: UnitEntry, unit_seconds: int, reached_end: bool) -> bool:
    """The `view` rule: the dwell time, or the end reached (on a visited unit) after a share of it."""
    return unit_seconds >= dwell_seconds(unit) or (reached_end and unit_seconds >= end_reached_seconds(unit))
