"""The quiz rules' refusals: each a DomainError with the status and code the API reports."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.errors import DomainError
from .schedule import Schedule


class QuizError(DomainError):
    """A quiz rule refused the request; `code` and `status` are what the API reports."""

    status = 409
    code = "quiz_error"


class QuizClosed(QuizError):
    status, code = 403, "quiz_closed"


class NotOpenYet(QuizError):
    status, code = 403, "not_open_yet"


class NoAttemptsLeft(QuizError):
    status, code = 409, "no_attempts_left"


class AttemptClosed(QuizError):
    status, code = 409, "attempt_closed"


class BadResponse(QuizError):
    status, code = 422, "invalid_response"


class UnknownExam(QuizError):
    """The start named an exam that is not one of the member's schedules of this quiz."""

    status, code = 422, "invalid_field"
    field = "exam"


class ChooseExam(QuizError):
    """Two or more of the member's exams of the quiz are open and the start named none."""

    status, code = 409, "choose_exam"

    def __init__(self, message, choices: list[Schedule]):
        super().__init__(message)
        self.choices = choices


class OtherAttemptOpen(QuizError):
    """The member's open attempt at the quiz was made under another exam than the one named."""

    status, code = 409, "attempt_open"


def other_attempt_open() -> OtherAttemptOpen:
    return OtherAttemptOpen(_l("You have an attempt in progress under another exam of this quiz: finish it first."))
