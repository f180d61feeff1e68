"""Forms of the assignment pages: the head teacher's assignment, the member's text, a grade."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ...classes.exams.forms import TIME_FORMAT
from .models import BODY_MAX, COMMENT_MAX, INSTRUCTIONS_MAX, TITLE_MAX
from .services import MAX_POINTS_LIMIT, MIN_LENGTH_LIMIT


class NumberField(DecimalField):
    """A decimal number typed in a form; NaN and infinities are not numbers (and a signalling NaN
    would break the range check)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value."))


def kind_choices():
    return [("reflection", _l("Reflection (心得体会)")), ("report", _l("Ideological report (思想汇报)")),
            ("other", _l("Other"))]


class AssignmentForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    kind = SelectField(_l("Kind"), choices=kind_choices(), validators=[DataRequired()])
    instructions = TextAreaField(_l("Instructions"), validators=[Length(max=INSTRUCTIONS_MAX)],
                                 description=_l("Markdown: **bold**, lists, links."))
    due_at = DateTimeLocalField(_l("Due"), format=TIME_FORMAT, validators=[InputRequired()],
                                description=_l("Later submissions are accepted and marked late."))
    max_points = NumberField(_l("Maximum points"), places=None, default=100,
                              validators=[InputRequired(), NumberRange(min=0.5, max=MAX_POINTS_LIMIT)])
    min_length = IntegerField(_l("Minimum length (characters)"), default=0,
                              validators=[Optional(), NumberRange(min=0, max=MIN_LENGTH_LIMIT)],
                              description=_l("Spaces and line breaks are not counted. 0: no minimum."))
    hold_results = BooleanField(_l("Hold grades until I release them"))
    save = SubmitField(_l("Save the assignment"))


class SubmissionForm(FlaskForm):
    body = TextAreaField(_l("Your text"), validators=[Length(max=BODY_MAX)],
                         description=_l("Markdown: **bold**, lists, links. Saved as you write."))
    save_draft = SubmitField(_l("Save draft"))
    submit = SubmitField(_l("Submit"))


class GradeForm(FlaskForm):
    points = NumberField(_l("Points"), places=None, validators=[InputRequired(), NumberRange(min=0)])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=COMMENT_MAX)],
                            description=_l("The member sees it with the grade. Markdown."))
    version = HiddenField(validators=[DataRequired()])
    grade = SubmitField(_l("Save the grade"))
