"""What waits in a class's grading queue: one QueueItem per answer or submission to grade.

Sources other than quiz answers (assignments' submissions) register a callable
`(school_class) -> list[QueueItem]` with services.register_queue_source(app, source)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class QueueItem:
    kind: str  # 'answer' | 'submission'
    id: int  # the answer's or the submission's id
    group_key: str  # the queue page groups by it: 'q<quiz id>-<question id>' for answers
    group_title: str  # e.g. the quiz's or the assignment's title
    question_title: str
    question_html: str  # rendered, sanitised
    response: str  # what the member wrote, as text (rendered by marking.services.response_html)
    max_points: float
    version: int
    user_id: int
    username: str
    display_name: str
    submitted_at: datetime | None
