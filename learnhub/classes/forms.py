"""Forms of the class pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from .models import CLASS_STATUSES

STATUS_LABELS = {
    "planned": _l("Planned"),
    "running": _l("Running"),
    "finished": _l("Finished"),
    "archived": _l("Archived"),
}
ROLE_LABELS = {
    "member": _l("Member"),
    "head_teacher": _l("Head teacher"),
    "grader": _l("Grader"),
    "admin": _l("Administrator"),
}


class ClassForm(FlaskForm):
    # Its own msgid: "Name" is a person's name (姓名) elsewhere; this is the class's (班级名称).
    name = StringField(_l("Class name"), validators=[DataRequired(), Length(max=200)])
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)],
                       description=_l("Short and unique, e.g. 2026F-ACT"))
    starts_on = DateField(_l("Term starts"), validators=[DataRequired()])
    ends_on = DateField(_l("Term ends"), validators=[DataRequired()])
    status = SelectField(_l("Status"), choices=[SelectChoice(s, STATUS_LABELS[s]) for s in CLASS_STATUSES])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20_000)])
    courses = SelectMultipleField(_l("Courses"), choices=[], validate_choice=True,
                                  description=_l("To choose more than one, hold Ctrl (⌘ on a Mac) while clicking."))
    submit = SubmitField(_l("Save"))


class StaffForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    role = SelectField(_l("Role in this class"),
                       choices=[SelectChoice("grader", ROLE_LABELS["grader"]),
                                SelectChoice("head_teacher", ROLE_LABELS["head_teacher"]),
                                SelectChoice("", _l("No role (remove)"))])
    add_staff = SubmitField(_l("Save role"))


class CopyClassForm(FlaskForm):
    name = StringField(_l("Class name"), validators=[DataRequired(), Length(max=200)])
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)],
                       description=_l("Short and unique, e.g. 2026F-ACT"))
    starts_on = DateField(_l("Term starts"), validators=[DataRequired()],
                          description=_l("Exams and sessions move by as many days as the start date."))
    ends_on = DateField(_l("Term ends"), validators=[DataRequired()])
    copy = SubmitField(_l("Copy the class"))
