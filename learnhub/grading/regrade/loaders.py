"""Load a quiz to accept responses for or regrade: 404 as for the quiz's page, 403 without
`quiz.regrade`."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...core.errors import Forbidden
from ...core.permissions import allowed
from ...courses.index import CourseEntry
from ...quizzes.attempts import quiz_row
from ...quizzes.loader import QuizFile
from ...quizzes.loaders import load_quiz
from ...quizzes.models import Quiz


@dataclass
class RegradeTarget:
    course: CourseEntry
    quiz: QuizFile
    row: Quiz


def load_regrade_quiz(course_slug: str, quiz_slug: str) -> RegradeTarget:
    found = load_quiz(course_slug, quiz_slug)
    if not allowed(current_user, "quiz.regrade"):
        raise Forbidden(_l("Only staff and instructors may accept responses or regrade a quiz."))
    return RegradeTarget(found.course, found.quiz, quiz_row(found.course, found.quiz))
