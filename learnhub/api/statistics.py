"""The API for statistics (grading.statistics): declared with api.schema.declare."""
from __future__ import annotations

from typing import Literal, Optional

from flask_login import current_user
from pydantic import Field

from ..grading.statistics import services
from ..grading.statistics.access import statistics_scope
from ..quizzes.attempts import find_quiz_row
from ..quizzes.loaders import load_quiz
from . import bp
from .schema import Id, Out, Query, declare


class StatisticsQuery(Query):
    attempts: Optional[Literal[services.WHICH]] = Field(
        None, description="which attempts per member (default: the quiz's grading method; average: all)")
    class_id: Optional[Id] = Field(None, alias="class", description="only the attempts under this class's exam")


class ResponseCount(Out):
    response: str
    count: int


class QuestionStatistics(Out):
    title: str
    type: str
    facility: Optional[float] = Field(description="% (the mean fraction of the marks)")
    sd: Optional[float] = Field(description="% of the question's maximum")
    discrimination_index: Optional[float] = Field(description="%")
    discriminative_efficiency: Optional[float] = Field(description="%")
    responses: list[ResponseCount]


class QuizStatistics(Out):
    """Moodle's quiz statistics; null where too few attempts (or no spread) leave a figure undefined"""

    attempts_count: int
    mean: Optional[float] = Field(description="% of the maximum")
    median: Optional[float] = Field(description="% of the maximum")
    sd: Optional[float] = Field(description="% of the maximum (sample: n - 1)")
    skewness: Optional[float]
    kurtosis: Optional[float]
    cic: Optional[float] = Field(description="%: coefficient of internal consistency")
    error_ratio: Optional[float] = Field(description="%")
    standard_error: Optional[float] = Field(description="% of the maximum")
    questions: list[QuestionStatistics]


@bp.get("/courses/<course_slug>/quizzes/<quiz_slug>/statistics")
@declare("A quiz's statistics (Moodle's report) for staff, instructors and admins; the staff of a class "
         "see the attempts under their classes' exams; `class` narrows to one class",
         query=StatisticsQuery, responses={200: QuizStatistics}, errors=(403, 404), tags=("grading",))
def quiz_statistics(course_slug: str, quiz_slug: str, query: StatisticsQuery):
    found = load_quiz(course_slug, quiz_slug)
    which = query.attempts or services.default_which(found.quiz.settings.grading)
    row = find_quiz_row(found.course, found.quiz.slug)
    scope = statistics_scope(current_user, row, query.class_id)
    if row is None:
        return services.empty_statistics(which).as_api()
    return services.quiz_statistics(row, which, scope.schedule_keys, found.quiz).as_api()
