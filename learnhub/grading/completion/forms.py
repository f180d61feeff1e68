"""Forms of the completion pages: the class's rules, and confirming members."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from .services import REASON_MAX

PERCENT = [InputRequired(), NumberRange(min=0, max=100)]


class RulesForm(FlaskForm):
    weight_exam = IntegerField(_l("Final exam weight (%)"), validators=PERCENT)
    weight_reflection = IntegerField(_l("Reflection weight (%)"), validators=PERCENT,
                                     description=_l("The mean of the class's reflection assignments."))
    weight_attendance = IntegerField(_l("Attendance weight (%)"), validators=PERCENT,
                                     description=_l("The three weights add up to 100."))
    min_attendance = IntegerField(_l("Minimum attendance (%)"), validators=PERCENT)
    pass_mark = IntegerField(_l("Pass mark (final grade)"), validators=PERCENT)
    final_exam = SelectField(_l("Final exam"), choices=[], validate_choice=True)
    require_units = BooleanField(_l("All required units must be complete"))
    require_exam_pass = BooleanField(_l("The final exam must be passed"))
    block_on_findings = BooleanField(_l("No exam integrity finding confirmed by staff"))
    save = SubmitField(_l("Save the rules"))


class ConfirmForm(FlaskForm):
    usernames = SelectMultipleField(_l("Members"), choices=[], validate_choice=True)
    reason = TextAreaField(_l("Reason (to confirm members who do not qualify)"),
                           validators=[Optional(), Length(max=REASON_MAX)],
                           description=_l("Kept with the confirmation and in the audit log."))
    confirm = SubmitField(_l("Confirm completion"))
