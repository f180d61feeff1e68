"""The API for results (grading.results): a class exam's results per member, their downloads,
and the head teacher's release."""
from __future__ import annotations

from typing import Literal, Optional

from flask_login import current_user
from pydantic import Field

from ..classes.exams.loaders import load_exam
from ..classes.exams.services import RELEASES
from ..core.exports import XLSX_TYPE
from ..core.pagination import Key, page_of_sorted, page_request
from ..core.types import utcnow
from ..extensions import db
from ..grading.results import presenters, services
from . import bp
from .schema import ApiDateTime, Body, File, Out, Page, PageQuery, declare

TAGS = ("grading",)
# exam_results sorts by student number (members without one last), then username (unique).
RESULT_ORDER = [Key(lambda r: r.student_no is None), Key(lambda r: r.student_no or ""),
                Key(lambda r: r.username)]


class ResultsQuery(PageQuery):
    filter: Literal[services.FILTERS] = Field("all", description="all, not_started, failed (not passed), "
                                                                 "needs_grading")


class Result(Out):
    """Result"""

    username: str
    display_name: str
    student_no: Optional[str]
    status: Literal[services.STATUSES]
    score: Optional[float]
    max_score: Optional[float]
    percent: Optional[float]
    passed: Optional[bool]
    seconds: Optional[int] = Field(description="time taken: start to submit of the attempt that counts")
    attempts: int = Field(description="attempts made under the exam (reset ones excluded)")
    attempt: Optional[int] = Field(description="the attempt that counts, by the quiz's grading method")
    submitted_at: Optional[ApiDateTime]
    url: Optional[str] = Field(description="the attempt's page")


class ReleaseIn(Body):
    force: bool = Field(False, description="release although answers still wait for grading")


class Release(Out):
    """Release"""

    release: Literal[RELEASES]
    release_at: Optional[ApiDateTime]
    released_at: Optional[ApiDateTime]
    released: bool = Field(description="members may see their fully graded results now")
    changed: bool = Field(description="false: the results were released before")


@bp.get("/classes/<int:class_id>/exams/<int:exam_id>/results")
@declare("A class exam's results (staff of the class): every member with status, score, percent, pass, "
         "time taken, attempts and the attempt that counts; by student number", query=ResultsQuery,
         responses={200: Page[Result]}, errors=(400, 403, 404), tags=TAGS)
def get_exam_results(class_id: int, exam_id: int, query: ResultsQuery):
    exam, school_class = load_exam(class_id, exam_id, "class.staff")
    rows = services.filter_rows(services.exam_results(school_class, exam, utcnow()), query.filter)
    page = page_of_sorted(rows, RESULT_ORDER, context=query.filter, in_order=True, **page_request())
    page.items = [presenters.api_item(row) for row in page.items]
    return page


@bp.get("/classes/<int:class_id>/exams/<int:exam_id>/results.csv")
@declare("The exam's results as CSV (staff of the class; headers in the caller's language)",
         responses={200: File("text/csv", "The results (CSV download)")}, errors=(403, 404), tags=TAGS)
def exam_results_csv(class_id: int, exam_id: int):
    exam, school_class = load_exam(class_id, exam_id, "class.staff")
    return presenters.export_response(school_class, exam, "csv")


@bp.get("/classes/<int:class_id>/exams/<int:exam_id>/results.xlsx")
@declare("The exam's results as XLSX (staff of the class; headers in the caller's language, frozen)",
         responses={200: File(XLSX_TYPE, "The results (XLSX download)")}, errors=(403, 404), tags=TAGS)
def exam_results_xlsx(class_id: int, exam_id: int):
    exam, school_class = load_exam(class_id, exam_id, "class.staff")
    return presenters.export_response(school_class, exam, "xlsx")


@bp.post("/classes/<int:class_id>/exams/<int:exam_id>/results/release")
@declare("Release the exam's results (head teacher); 409 grading_pending while answers wait for grading "
         "unless force; members with a graded result are notified once", body=ReleaseIn,
         responses={200: Release}, errors=(403, 404, 409), tags=TAGS)
def release_exam_results(class_id: int, exam_id: int, body: ReleaseIn):
    exam, school_class = load_exam(class_id, exam_id, "class.manage")
    now = utcnow()
    changed = services.release_results(current_user, school_class, exam, now, force=body.force)
    db.session.commit()
    return {"release": exam.release, "release_at": exam.release_at, "released_at": exam.released_at,
            "released": services.exam_released(exam, now), "changed": changed}
