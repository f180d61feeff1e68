"""Forms of the scheduled-exam pages. Times are typed in the site's time zone."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ...auth.services import normalise_username
from .services import MAX_EXTRA_ATTEMPTS, MAX_TIME_LIMIT, REASON_MAX

TIME_FORMAT = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
MINUTES = {"min": 1, "max": MAX_TIME_LIMIT // 60}


def username_key(value):
    """Usernames are matched case-insensitively, as on every other path ("ANN" is ann)."""
    return normalise_username(value) if isinstance(value, str) else value


class ExamWindowForm(FlaskForm):
    opens_at = DateTimeLocalField(_l("Opens"), format=TIME_FORMAT, validators=[InputRequired()])
    closes_at = DateTimeLocalField(_l("Closes"), format=TIME_FORMAT, validators=[InputRequired()])
    time_limit_minutes = IntegerField(
        _l("Time limit (minutes)"), validators=[Optional(), NumberRange(**MINUTES)],
        description=_l("Leave empty to keep the quiz's own limit."))
    requires_courses_complete = BooleanField(_l("Members must complete the class's courses first"))
    release = SelectField(_l("Results release"), default="immediately", choices=[
        ("immediately", _l("Immediately (each result once fully graded)")),
        ("at", _l("At a set time")), ("manual", _l("When staff release them"))])
    release_at = DateTimeLocalField(_l("Release results at"), format=TIME_FORMAT, validators=[Optional()],
                                    description=_l("Only with 'At a set time'."))
    save = SubmitField(_l("Save"))


class ScheduleExamForm(ExamWindowForm):
    quiz = SelectField(_l("Quiz"), choices=[], validate_choice=True, validators=[DataRequired()])
    save = SubmitField(_l("Schedule the exam"))


class OverrideForm(FlaskForm):
    username = SelectField(_l("Member"), choices=[], validate_choice=True, validators=[DataRequired()],
                           filters=[username_key])
    opens_at = DateTimeLocalField(_l("Opens (leave empty: as scheduled)"), format=TIME_FORMAT,
                                  validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Closes (leave empty: as scheduled)"), format=TIME_FORMAT,
                                   validators=[Optional()])
    time_limit_minutes = IntegerField(_l("Time limit (minutes)"), validators=[Optional(), NumberRange(**MINUTES)],
                                      description=_l("The member's extra-time factor applies on top."))
    extra_attempts = IntegerField(_l("Extra attempts"), default=0,
                                  validators=[Optional(), NumberRange(min=0, max=MAX_EXTRA_ATTEMPTS)])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=REASON_MAX)],
                           description=_l("Kept in the audit log."))
    save_override = SubmitField(_l("Save the override"))


class ResetForm(FlaskForm):
    username = SelectField(_l("Member"), choices=[], validate_choice=True, validators=[DataRequired()],
                           filters=[username_key])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=REASON_MAX)],
                         description=_l("Kept in the audit log."))
    reset = SubmitField(_l("Reset the member's attempts"))
