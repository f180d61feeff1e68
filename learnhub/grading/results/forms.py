"""The results page's release form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField


class ReleaseForm(FlaskForm):
    force = BooleanField(_l("Release even though answers still wait for grading"),
                         description=_l("Members whose answers wait keep seeing 'awaiting results' "
                                        "until they are graded."))
    release = SubmitField(_l("Release the results"))
