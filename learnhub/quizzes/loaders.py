"""Load a quiz or an attempt for the current user, or refuse with a DomainError.

Pages and the API call the same loaders; the DomainError handler renders the refusal as
an error page or the API's error body. 404 where the caller may not know the object
exists, 403 where they may see it but not do what they asked.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..core.errors import NotFound
from ..core.permissions import allowed
from . import services
from .autosave import AnswerSheet


def load_quiz(course_slug: str, quiz_slug: str) -> services.QuizContext:
    """A quiz of a course the user may see."""
    found = services.find_quiz(current_user, course_slug, quiz_slug)
    if found is None:
        raise NotFound(_l("No quiz '%(quiz)s' in course '%(course)s'.", quiz=quiz_slug, course=course_slug))
    return found


def load_attempt(attempt_id: int, action: str = "attempt.view") -> services.AttemptContext:
    """An attempt the user may see (404 otherwise) and may `action` (403 otherwise):
    "attempt.view" to read it, "attempt.answer" to answer, submit or report events."""
    found = services.find_attempt(current_user, attempt_id)
    if found is None:
        raise NotFound(_l("No attempt %(id)d.", id=attempt_id))
    if action != "attempt.view" and not allowed(current_user, action, found.attempt):
        raise services.NotYours()
    return found


def load_attempt_to_submit(attempt_id: int) -> services.AttemptContext:
    """load_attempt(attempt_id, "attempt.answer") for the API's submit: the attempt as a plain
    row, locked until the commit (services.find_attempt_to_submit)."""
    found = services.find_attempt_to_submit(current_user, attempt_id)
    if found is None:
        raise NotFound(_l("No attempt %(id)d.", id=attempt_id))
    if not found.is_owner:  # allowed "attempt.answer"
        raise services.NotYours()
    return found


def load_answer_sheet(attempt_id: int, question_id: int) -> AnswerSheet:
    """What the autosave writes to (quizzes.autosave: cached per process, else one query): 403
    for a reviewer who may see the attempt but not change it, 404 for anyone else or a question
    not in it."""
    sheet = services.find_answer_sheet(current_user, attempt_id, question_id)  # NotYours: 403
    if sheet is None:
        raise NotFound(_l("Attempt %(attempt)d has no question %(question)d.",
                          attempt=attempt_id, question=question_id))
    return sheet
