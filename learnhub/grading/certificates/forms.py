"""The revocation form of a certificate page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from .services import REASON_MAX


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Reason for revoking"), validators=[DataRequired(), Length(max=REASON_MAX)],
                           description=_l("Kept in the audit log. A revoked certificate verifies as not valid."))
    revoke = SubmitField(_l("Revoke the certificate"))
