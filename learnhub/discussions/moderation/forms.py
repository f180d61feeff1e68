"""Forms of moderation: a reason (hiding, reporting), a unit to move to, a resolution."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..models import REASON_MAX


class HideForm(FlaskForm):
    """Hiding a thread or a post: the reason is required (members see that it was hidden)."""

    reason = TextAreaField(_l("Reason for hiding"), validators=[DataRequired(), Length(max=REASON_MAX)],
                           description=_l("Required. Kept in the audit log."))
    submit = SubmitField(_l("Hide"))


class UnhideForm(FlaskForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), Length(max=REASON_MAX)])
    submit = SubmitField(_l("Show again"))


class ReportForm(FlaskForm):
    reason = TextAreaField(_l("Why should the moderators look at this post?"),
                           validators=[DataRequired(), Length(max=REASON_MAX)],
                           description=_l("Required, at most 500 characters. Only moderators see it."))
    submit = SubmitField(_l("Report the post"))


class MoveForm(FlaskForm):
    unit = SelectField(_l("Move to"), validate_choice=True)
    submit = SubmitField(_l("Move the thread"))

    def set_units(self, units) -> None:
        self.unit.choices = [SelectChoice("", _l("The course (no unit)")),
                             *(SelectChoice(u.slug, u.title) for u in units)]


class ResolveForm(FlaskForm):
    """The queue's two buttons per post (name "resolution", value hidden or dismissed)."""

    resolution = RadioField(_l("Decision"), choices=[SelectChoice("hidden", _l("Hide the post")),
                                                     SelectChoice("dismissed", _l("Dismiss the reports"))],
                            validators=[DataRequired()])
