"""Forms of the attendance pages: sessions, manual marks (one or many), minutes, the check-in
button and the typed short code."""
from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .models import ATTENDANCE_STATUSES

KIND_LABELS = {
    "lecture": _l("Lecture"),
    "meeting": _l("Branch meeting (三会一课)"),
    "party_lesson": _l("Party lesson"),
    "other": _l("Other"),
}
ATTENDANCE_LABELS = {
    "present": _l("Present"),
    "late": _l("Late"),
    "excused": _l("Excused"),
    "absent": _l("Absent"),
}
PHASE_LABELS = {"upcoming": _l("Upcoming"), "running": _l("Running now"), "ended": _l("Ended")}
METHOD_LABELS = {"qr": _l("QR code"), "manual": _l("By hand")}
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class SessionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, KIND_LABELS[k]) for k in
                                            ("lecture", "meeting", "party_lesson", "other")])
    starts_at = DateTimeLocalField(_l("Starts"), format=LOCAL_FORMAT, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format=LOCAL_FORMAT, validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    meeting_url = StringField(_l("Online meeting link"), validators=[Optional(), Length(max=500)],
                              description=_l("Optional: an http:// or https:// address"))
    late_after_minutes = IntegerField(_l("Late after (minutes)"), default=10,
                                      validators=[Optional(), NumberRange(min=0, max=240)])
    submit = SubmitField(_l("Save"))


class MarkForm(FlaskForm):
    username = HiddenField(validators=[DataRequired(), Length(max=64)])
    status = SelectField(_l("Status"), choices=[SelectChoice(s, ATTENDANCE_LABELS[s]) for s in ATTENDANCE_STATUSES])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    mark = SubmitField(_l("Save"))


class MarkManyForm(FlaskForm):
    """The session page's one save for many members: the ticked usernames get one status."""

    usernames = SelectMultipleField(_l("Members"), choices=[], validate_choice=False)  # the service checks them
    status = SelectField(_l("Mark the selected members"),
                         choices=[SelectChoice(s, ATTENDANCE_LABELS[s]) for s in ATTENDANCE_STATUSES])
    note = StringField(_l("Note for each (optional)"), validators=[Optional(), Length(max=500)])
    mark_many = SubmitField(_l("Save for the selected"))


def _digits(value):
    """What a phone keyboard types ("１２３ ４５６", full-width or spaced) as plain digits."""
    return "".join(unicodedata.normalize("NFKC", value).split()) if isinstance(value, str) else value


class TypedCodeForm(FlaskForm):
    session = SelectField(_l("Session"), coerce=int, choices=[])
    code = StringField(_l("The 6-digit code on the screen"), filters=[_digits],
                       validators=[DataRequired(), Length(min=6, max=6)])
    check_in = SubmitField(_l("Check in"))


class MinutesForm(FlaskForm):
    minutes = TextAreaField(_l("Minutes (Markdown)"), validators=[Optional(), Length(max=50_000)])
    submit = SubmitField(_l("Save the minutes"))


class CheckinForm(FlaskForm):
    ticket = HiddenField(validators=[DataRequired(), Length(max=80)])
    check_in = SubmitField(_l("Check in"))
