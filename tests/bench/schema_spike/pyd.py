"""The two endpoints with pydantic v2 models: the body validated by a model, the answer
dumped by a TypeAdapter straight to JSON bytes (no jsonify)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Optional

from flask import Blueprint, Response
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from learnhub.classes.models import STAGES
from learnhub.core.api import ApiError, json_body
from learnhub.progress.class_dashboard import STATUSES

from . import common

bp = Blueprint("spike_pyd", __name__, url_prefix="/api/spike/pyd")

Stage = Literal[STAGES]  # the model's constant, not retyped
Status = Literal[STATUSES]


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    response: Any


class Saved(BaseModel):
    saved_at: datetime


class ProgressRow(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    username: str
    display_name: str
    student_no: Optional[str]
    department: Optional[str]
    stage: Optional[Stage]
    completed: int
    total: int
    percent: int
    study_seconds: int
    best_scores: dict[str, float]
    attendance_rate: Optional[float]
    status: Status
    behind: bool


class ProgressPage(BaseModel):
    items: list[ProgressRow]
    next: Optional[str]


SAVED = TypeAdapter(Saved)
PAGE = TypeAdapter(ProgressPage)


def json_response(adapter: TypeAdapter, value, status: int = 200) -> Response:
    return Response(adapter.dump_json(value), status, mimetype="application/json")


def fields_error(error: ValidationError) -> ApiError:
    fields = {".".join(str(p) for p in e["loc"]) or "body": e["msg"] for e in error.errors()}
    failure = ApiError(422, "invalid_field", "invalid")
    failure.fields = fields
    return failure


@bp.put("/attempts/<int:attempt_id>/answers/<int:question_id>")
def save_answer(attempt_id: int, question_id: int):
    try:
        body = AnswerIn.model_validate(json_body())
    except ValidationError as error:
        raise fields_error(error) from None
    saved_at = common.save(attempt_id, question_id, body.response)
    return json_response(SAVED, Saved(saved_at=saved_at))


@bp.get("/classes/<int:class_id>/progress")
def class_progress(class_id: int):
    page = common.dashboard_page(class_id)
    # The rows are dataclasses: validated from their attributes, then dumped in one pass.
    return json_response(PAGE, ProgressPage.model_validate(page, from_attributes=True))
