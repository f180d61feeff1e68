"""The two endpoints with marshmallow schemas through flask-smorest (arguments + response)."""
from __future__ import annotations

from flask_smorest import Api, Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from learnhub.classes.models import STAGES
from learnhub.core.api import json_body
from learnhub.extensions import csrf
from learnhub.progress.class_dashboard import STATUSES

from . import common

bp = Blueprint("spike_mm", __name__, url_prefix="/api/spike/mm")


class AnswerIn(Schema):
    class Meta:
        unknown = EXCLUDE

    response = fields.Raw(required=True, allow_none=True)


class Saved(Schema):
    saved_at = fields.AwareDateTime(required=True)


class ProgressRow(Schema):
    username = fields.String()
    display_name = fields.String()
    student_no = fields.String(allow_none=True)
    department = fields.String(allow_none=True)
    stage = fields.String(allow_none=True, validate=validate.OneOf(STAGES))
    completed = fields.Integer()
    total = fields.Integer()
    percent = fields.Integer()
    study_seconds = fields.Integer()
    best_scores = fields.Dict(keys=fields.String(), values=fields.Float())
    attendance_rate = fields.Float(allow_none=True)
    status = fields.String(validate=validate.OneOf(STATUSES))
    behind = fields.Boolean()


class ProgressPage(Schema):
    items = fields.List(fields.Nested(ProgressRow))
    next = fields.String(allow_none=True)


@bp.route("/attempts/<int:attempt_id>/answers/<int:question_id>", methods=["PUT"])
@bp.arguments(AnswerIn)
@bp.response(200, Saved)
def save_answer(body, attempt_id: int, question_id: int):
    json_body()  # the clean-text check on every string stays (webargs parsed the body itself)
    return {"saved_at": common.save(attempt_id, question_id, body["response"])}


@bp.route("/classes/<int:class_id>/progress", methods=["GET"])
@bp.response(200, ProgressPage)
def class_progress(class_id: int):
    return common.dashboard_page(class_id)


def register(app) -> None:
    app.config.update(API_TITLE="spike", API_VERSION="1", OPENAPI_VERSION="3.0.3")
    api = Api(app)
    api.register_blueprint(bp)
    csrf.exempt(bp)
