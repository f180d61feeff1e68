"""/api/v1/classes/{id}/gradebook: members x exams and assignments, ranked (class staff), and
its CSV/XLSX downloads; the same service and export as the gradebook page."""
from __future__ import annotations

from operator import attrgetter
from typing import Literal, Optional

from pydantic import Field

from ..classes.loaders import load_class
from ..core.exports import XLSX_TYPE
from ..core.pagination import Key, page_of_sorted, page_request
from ..grading.gradebook.services import METHODS, GradebookRow, class_gradebook
from ..grading.gradebook.tables import export_response
from . import bp
from .schema import ApiDateTime, File, Out, Page, PageQuery, declare

TAGS = ("grading",)

# ---- schemas -----------------------------------------------------------------------------------


class ExamCell(Out):
    """A member's grade for one exam, by the quiz's grading method."""

    score: Optional[float] = Field(description="null while the only attempts await grading")
    percent: Optional[float]
    passed: Optional[bool]
    seconds: Optional[int] = Field(description="time taken by the counting attempt (average: the mean)")
    submitted_at: Optional[ApiDateTime]
    attempt: Optional[int] = Field(description="the id of the attempt that counts (average: the latest)")
    attempts: int = Field(description="finished attempts that count")
    awaiting_grading: int = Field(description="attempts waiting for manual grading (not counted yet)")
    method: Literal[METHODS]


class GradebookItem(Out):
    username: str
    display_name: str
    student_no: Optional[str]
    exams: dict[str, ExamCell] = Field(description="by class exam id; an exam not attempted is absent")
    assignments: dict[str, Optional[float]] = Field(
        description="points by assignment id; null: submitted, not graded yet; absent: not submitted")
    rank: Optional[int] = Field(description="competition ranking (1, 2, 2, 4); null: nothing graded")
    total: Optional[float] = Field(description="the sum of the exam percents, what the ranking orders by")
    total_seconds: Optional[int] = Field(description="the time of the counted attempts: the first tie-break")


ORDER = [Key(attrgetter("rank"), nullable=True), Key(attrgetter("username"))]


def item(row: GradebookRow) -> dict:
    return {
        "username": row.username, "display_name": row.display_name, "student_no": row.student_no,
        "exams": {str(exam_id): {"score": g.score, "percent": g.percent, "passed": g.passed, "seconds": g.seconds,
                                 "submitted_at": g.submitted_at, "attempt": g.attempt_id, "attempts": g.attempts,
                                 "awaiting_grading": g.awaiting, "method": g.method}
                  for exam_id, g in row.exams.items()},
        "assignments": {str(assignment_id): points for assignment_id, points in row.assignments.items()},
        "rank": row.rank, "total": row.total, "total_seconds": row.seconds,
    }


# ---- routes ------------------------------------------------------------------------------------

@bp.get("/classes/<int:class_id>/gradebook")
@declare("The class's gradebook (class staff): per member the grade of each scheduled exam by its quiz's "
         "grading method (highest, first, last, average; reset attempts excluded, attempts awaiting "
         "grading not counted yet), assignment points and the rank (by the total of exam percents, then "
         "the shorter total time, then the earlier last submission); ranked order, unranked last",
         query=PageQuery, responses={200: Page[GradebookItem]}, errors=(400, 403, 404), tags=TAGS)
def get_gradebook(class_id: int, query: PageQuery):
    school_class = load_class(class_id, "class.staff")
    # rank_rows gives them in this order already (ranked by rank then username, unranked last).
    page = page_of_sorted(class_gradebook(school_class).rows, ORDER, in_order=True, **page_request())
    page.items = [item(row) for row in page.items]
    return page


DOWNLOAD = ("The gradebook as {kind} (class staff): every member in ranked order, 学号 column, headers "
            "in the caller's language")


@bp.get("/classes/<int:class_id>/gradebook.csv")
@declare(DOWNLOAD.format(kind="CSV"), responses={200: File("text/csv", "The gradebook (CSV download)")},
         errors=(403, 404), tags=TAGS)
def gradebook_csv(class_id: int):
    return export_response(class_gradebook(load_class(class_id, "class.staff")), "csv")


@bp.get("/classes/<int:class_id>/gradebook.xlsx")
@declare(DOWNLOAD.format(kind="XLSX"), responses={200: File(XLSX_TYPE, "The gradebook (XLSX download)")},
         errors=(403, 404), tags=TAGS)
def gradebook_xlsx(class_id: int):
    return export_response(class_gradebook(load_class(class_id, "class.staff")), "xlsx")
