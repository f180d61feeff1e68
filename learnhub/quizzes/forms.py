"""Reading answers from the attempt page's plain HTML form (the no-JavaScript path)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import FloatField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange

from .grading import question_of


def response_from_form(attempt_question, form: MultiDict):
    """The response the form holds for one question, in the API's shape (None = no answer)."""
    question = question_of(attempt_question)
    name = f"q-{attempt_question.id}"
    if question.type == "multiple":
        return form.getlist(name)
    if question.type == "matching":
        pairs = {}
        for left in attempt_question.layout.get("left", []):
            value = form.get(f"{name}-{left['id']}")
            if value:
                pairs[left["id"]] = value
        return pairs
    value = form.get(name)
    if value is None or value == "":
        return None
    if question.type == "true_false":
        return {"true": True, "false": False}.get(value, value)
    return value


def form_responses(attempt, form: MultiDict) -> dict[int, object]:
    """Responses for the questions the form mentions (questions it leaves out are skipped)."""
    responses = {}
    for attempt_question in attempt.questions:
        prefix = f"q-{attempt_question.id}"
        if any(key == prefix or key.startswith(prefix + "-") for key in form.keys()) or \
                f"{prefix}-present" in form:
            responses[attempt_question.id] = response_from_form(attempt_question, form)
    return responses


class AccommodationForm(FlaskForm):
    username = StringField(_l("Member's username"), validators=[DataRequired(), Length(max=64)])
    factor = FloatField(_l("Time factor (1 = normal, 1.5 = half as much again, at most 5)"),
                        validators=[DataRequired(), NumberRange(min=1, max=5)])
    submit = SubmitField(_l("Save"))
