"""/api/v1 manual grading (grading.marking): a class's grading queue and grading one answer."""
from __future__ import annotations

from typing import Annotated, Literal, Optional

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from pydantic import Field

from ..classes.loaders import load_class
from ..core.errors import Forbidden, NotFound
from ..core.pagination import Key, page_of_sorted, page_request
from ..core.permissions import allowed
from ..extensions import db
from ..grading.marking import services as queue
from ..quizzes.manual_grading import COMMENT_MAX, REASON_MAX, gradable_answer, grade_answer_manually
from . import bp
from .schema import ApiDateTime, Body, Out, Page, PageQuery, declare

TAGS = ("grading",)


class QueueQuery(PageQuery):
    blind: bool = Field(True, description="0: include the members' names (the head teacher and admins "
                                          "only; a grader asking is 403)")
    group: Optional[str] = Field(None, max_length=64, description="only this quiz question or assignment")


class QueueEntry(Out):
    """QueueItem"""

    kind: Literal["answer", "submission"]
    answer_id: int = Field(None, description="a quiz answer (absent for a submission)")
    submission_id: int = Field(None, description="an assignment's submission (absent for an answer)")
    group: str = Field(description="the quiz question or assignment it is graded with")
    quiz: str = Field(description="the quiz's (or the assignment's) title")
    question_title: str
    question_html: str
    response: str = Field(description="what the member wrote: the answer as given, or the submission's Markdown")
    max_points: float
    version: int = Field(description="send it back with the grade: 409 when another grader saved first")
    submitted_at: Optional[ApiDateTime]
    username: str = Field(None, description="only with ?blind=0")
    display_name: str = Field(None, description="only with ?blind=0")


class AnswerGradeIn(Body):
    points: Annotated[float, Field(allow_inf_nan=False, description="0 to the question's maximum")]
    comment: Optional[Annotated[str, Field(max_length=COMMENT_MAX)]] = Field(
        None, description="Markdown, shown to the member with the result")
    version: Annotated[int, Field(ge=1, le=2**31 - 1)]
    reason: Optional[Annotated[str, Field(max_length=REASON_MAX)]] = Field(
        None, description="required to change the points of an automatically graded question")


class AnswerGraded(Out):
    """Grade"""

    version: int


def entry_out(item, with_names: bool) -> dict:
    body = {"kind": item.kind, f"{item.kind}_id": item.id, "group": item.group_key, "quiz": item.group_title,
            "question_title": item.question_title, "question_html": item.question_html,
            "response": item.response, "max_points": item.max_points, "version": item.version,
            "submitted_at": item.submitted_at}
    if with_names:
        body.update(username=item.username, display_name=item.display_name)
    return body


@bp.get("/classes/<int:class_id>/grading/queue")
@declare("What waits for grading in the class (its graders and head teacher), by group; names only "
         "with ?blind=0", query=QueueQuery, responses={200: Page[QueueEntry]}, errors=(400, 403, 404), tags=TAGS)
def grading_queue(class_id: int, query: QueueQuery):
    paging = page_request()
    school_class = load_class(class_id, "class.staff")
    with_names = not query.blind
    if with_names and not allowed(current_user, "grading.names", school_class):
        raise Forbidden(_l("Only the head teacher may see the names of whom they grade."))
    items = [i for i in queue.class_queue(school_class) if query.group in (None, i.group_key)]
    page = page_of_sorted(items, [Key(lambda i: i.group_key), Key(lambda i: i.kind), Key(lambda i: i.id)],
                          context=f"{query.group or ''}", **paging)
    page.items = [entry_out(item, with_names) for item in page.items]
    return page


@bp.put("/answers/<int:answer_id>/grade")
@declare("Grade one answer (or change its grade): 409 `stale_version` when another grader saved first, "
         "422 `invalid_points` outside 0..max, 422 `reason_required` to change an automatic grade",
         body=AnswerGradeIn, responses={200: AnswerGraded}, errors=(403, 404, 409), tags=TAGS)
def grade_answer(answer_id: int, body: AnswerGradeIn):
    found = gradable_answer(answer_id)
    if found is None or not allowed(current_user, "attempt.view", found[1]):
        raise NotFound(_l("No answer %(id)s.", id=answer_id))
    queue.ensure_attempt_writable(found[1])
    version = grade_answer_manually(current_user, answer_id, body.points, body.comment, body.version, body.reason)
    db.session.commit()
    return {"version": version}
