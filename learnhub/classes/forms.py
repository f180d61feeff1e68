"""Forms of the class pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from .models import CLASS_STATUSES, STAGES
from .roster.services import FIELD_LIMITS, STAGE_LABELS

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


def _record(name: str):
    return [Optional(), Length(max=FIELD_LIMITS[name])]


class AddMemberForm(FlaskForm):
    """One person without a roster file (members.add_member holds the rules)."""

    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    username = StringField(_l("Username"), validators=[Optional(), Length(max=64)],
                           description=_l("An existing account is enrolled; left empty, the student number is used."))
    student_no = StringField(_l("Student or staff number"), validators=_record("student_no"))
    department = StringField(_l("Department or branch"), validators=_record("department"))
    stage = SelectField(_l("Stage"), choices=[SelectChoice("", _l("Not recorded"))]
                        + [SelectChoice(s, STAGE_LABELS[s]) for s in STAGES])
    phone = StringField(_l("Phone"), validators=_record("phone"))
    email = StringField(_l("E-mail"), validators=_record("email"))
    role = SelectField(_l("Role in this class"), choices=[SelectChoice("member", ROLE_LABELS["member"]),
                                                          SelectChoice("grader", ROLE_LABELS["grader"])])
    add = SubmitField(_l("Add to the class"))


class ResetPasswordForm(FlaskForm):
    reset = SubmitField(_l("Reset the password"))


class CopyClassForm(FlaskForm):
    name = StringField(_l("Class name"), validators=[DataRequired(), Length(max=200)])
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)],
                       description=_l("Short and unique, e.g. 2026F-ACT"))
    starts_on = DateField(_l("Term starts"), validators=[DataRequired()],
                          description=_l("Exams and sessions move by as many days as the start date."))
    ends_on = DateField(_l("Term ends"), validators=[DataRequired()])
    copy = SubmitField(_l("Copy the class"))
