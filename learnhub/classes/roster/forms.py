"""Forms of the roster pages: a record, the roster upload and its confirm, adding one member, a reset."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..forms import ROLE_LABELS
from ..models import LOCATIONS, STAGES
from .services import FIELD_LIMITS, LOCATION_LABELS, STAGE_LABELS


def _limit(name: str):
    return [Optional(), Length(max=FIELD_LIMITS[name])]


class MemberForm(FlaskForm):
    stage = SelectField(_l("Stage"), choices=[SelectChoice("", _l("Not recorded"))]
                        + [SelectChoice(s, STAGE_LABELS[s]) for s in STAGES])
    stage_date = DateField(_l("In this stage since"), validators=[Optional()])
    role = SelectField(_l("Role in this class"), choices=[SelectChoice("member", ROLE_LABELS["member"]),
                                                          SelectChoice("grader", ROLE_LABELS["grader"])])
    student_no = StringField(_l("Student or staff number"), validators=_limit("student_no"))
    department = StringField(_l("Department or branch"), validators=_limit("department"))
    phone = StringField(_l("Phone"), validators=_limit("phone"))
    email = StringField(_l("E-mail"), validators=_limit("email"))
    location = SelectField(_l("Where the member is"), choices=[SelectChoice("", _l("Not recorded"))]
                           + [SelectChoice(v, LOCATION_LABELS[v]) for v in LOCATIONS])
    location_note = StringField(_l("Location note"), validators=_limit("location_note"),
                                description=_l("e.g. internship at a company in Shenzhen until June"))
    staff_notes = TextAreaField(_l("Notes (staff only)"), validators=_limit("staff_notes"))
    save = SubmitField(_l("Save record"))


class UploadForm(FlaskForm):
    file = FileField(_l("Roster file (CSV or XLSX)"), validators=[FileRequired()])
    preview = SubmitField(_l("Preview"))


class ConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])
    confirm = SubmitField(_l("Import these members"))


class AddMemberForm(FlaskForm):
    """One person without a roster file (members.add_member holds the rules)."""

    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    username = StringField(_l("Username"), validators=[Optional(), Length(max=64)],
                           description=_l("An existing account is enrolled; left empty, the student number is used."))
    student_no = StringField(_l("Student or staff number"), validators=_limit("student_no"))
    department = StringField(_l("Department or branch"), validators=_limit("department"))
    stage = SelectField(_l("Stage"), choices=[SelectChoice("", _l("Not recorded"))]
                        + [SelectChoice(s, STAGE_LABELS[s]) for s in STAGES])
    phone = StringField(_l("Phone"), validators=_limit("phone"))
    email = StringField(_l("E-mail"), validators=_limit("email"))
    role = SelectField(_l("Role in this class"), choices=[SelectChoice("member", ROLE_LABELS["member"]),
                                                          SelectChoice("grader", ROLE_LABELS["grader"])])
    add = SubmitField(_l("Add to the class"))


class ResetPasswordForm(FlaskForm):
    reset = SubmitField(_l("Reset the password"))
