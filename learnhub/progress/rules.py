"""The completion rules' numbers, in one place (README: "Completion rules")."""
from __future__ import annotations

from ..courses.index import UnitEntry

# `view`: the unit counts as read after this share of its estimated minutes of visible,
# active time on it, never less than the floor (a glance) nor more than the cap (a long
# unit must not ask for an hour); `dwell_seconds:` in the front matter overrides it.
DWELL_SHARE = 0.5
DWELL_FLOOR_SECONDS = 10
DWELL_CAP_SECONDS = 600
DWELL_WITHOUT_ESTIMATE_SECONDS = 60


def dwell_seconds(unit: UnitEntry) -> int:
    """Seconds of study time on a `view` unit that complete it."""
    if unit.dwell_seconds:
        return unit.dwell_seconds
    if not unit.estimated_minutes:
        return DWELL_WITHOUT_ESTIMATE_SECONDS
    share = round(unit.estimated_minutes * 60 * DWELL_SHARE)
    return max(DWELL_FLOOR_SECONDS, min(DWELL_CAP_SECONDS, share))
