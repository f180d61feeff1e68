"""Forms of the staff's view of an attempt: recording and withdrawing an integrity finding."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from .services import REASON_MAX


class FindingForm(FlaskForm):
    reason = TextAreaField(_l("What was found"), validators=[DataRequired(), Length(max=REASON_MAX)],
                           description=_l("Required. The member's completion depends on it; kept in the audit log."))
    record = SubmitField(_l("Confirm the integrity finding"))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Why it is withdrawn"), validators=[DataRequired(), Length(max=REASON_MAX)],
                           description=_l("Required. Kept in the audit log."))
    withdraw = SubmitField(_l("Withdraw the finding"))
