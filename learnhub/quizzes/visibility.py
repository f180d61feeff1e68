"""Whether a member may see their attempt's result (score, pass, feedback) yet.

Quizzes never import the features above them: a feature that holds results back (grading's
results release for class exams) registers a gate `gate(attempt, now) -> bool` here in its
init_app. Without gates every finished attempt shows its result, as before. Staff views are
not gated: only what an attempt's own member sees."""
from __future__ import annotations

from datetime import datetime

from flask import current_app

from ..core.types import utcnow

RESULT_GATES_KEY = "learnhub_result_gates"


def register_result_gate(app, gate) -> None:
    """gate(attempt, now) -> True when the attempt's member may see its result."""
    app.extensions.setdefault(RESULT_GATES_KEY, []).append(gate)


def result_visible(attempt, now: datetime | None = None) -> bool:
    if attempt is None or attempt.state == "in_progress":
        return True
    now = now or utcnow()
    return all(gate(attempt, now) for gate in current_app.extensions.get(RESULT_GATES_KEY, []))


def result_held(attempt) -> bool:
    """For templates: a finished attempt whose result its member does not see yet."""
    return attempt is not None and attempt.state != "in_progress" and not result_visible(attempt)
