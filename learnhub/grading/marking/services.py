"""The grading queue of a class: quiz answers that wait for a grader, plus registered sources."""
from __future__ import annotations

from collections.abc import Callable

from .items import QueueItem

QueueSource = Callable[[object], list[QueueItem]]

_EXTENSION_KEY = "grading_queue_sources"


def register_queue_source(app, source: QueueSource) -> None:
    """Add a source of queue items: `source(school_class) -> list[QueueItem]` (call in init_app)."""
    app.extensions.setdefault(_EXTENSION_KEY, []).append(source)


def queue_sources(app) -> list[QueueSource]:
    return list(app.extensions.get(_EXTENSION_KEY, []))
