from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from .models import ROLES

ROLE_LABELS = {
    "member": _l("Member"),
    "instructor": _l("Instructor"),
    "staff": _l("Staff"),
    "admin": _l("Administrator"),
}
def locale_choices():
    return [SelectChoice("", _l("From my browser")), SelectChoice("en", "English"),
            SelectChoice("zh_CN", "简体中文")]


def role_choices():
    return [SelectChoice(role, ROLE_LABELS[role]) for role in ROLES]


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Log in"))


class PreferencesForm(FlaskForm):
    display_name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=120)])
    locale = SelectField(_l("Language"), choices=locale_choices)
    save_preferences = SubmitField(_l("Save"))


class NewPasswordForm(FlaskForm):
    """The new password, twice: the focused first-login page asks for nothing else."""

    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=256)],
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
                            render_kw={"autocomplete": "new-password"})
    save_password = SubmitField(_l("Save my password and go on"))


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    save_password = None  # the account page's button says what it does there
    change_password = SubmitField(_l("Change password"))


class CreateUserForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(min=2, max=64)])
    display_name = StringField(_l("Display name"), validators=[Optional(), Length(max=120)])
    role = SelectField(_l("Role"), choices=role_choices)
    password = PasswordField(_l("Password (leave empty to generate one)"),
                             validators=[Optional(), Length(min=8, max=256)])
    submit = SubmitField(_l("Create user"))


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices)
    change_role = SubmitField(_l("Change role"))


class ActionForm(FlaskForm):
    """An empty form: a button whose only payload is the CSRF token."""

    submit = SubmitField()
