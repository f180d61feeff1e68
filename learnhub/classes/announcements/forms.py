"""The announcement form (post and edit)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from .services import BODY_MAX, TITLE_MAX


class AnnouncementForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    body = TextAreaField(_l("Text"), validators=[Length(max=BODY_MAX)],
                         description=_l("Markdown: **bold**, lists, links."))
    pinned = BooleanField(_l("Pin to the top"))
    submit = SubmitField(_l("Publish"))
    preview = SubmitField(_l("Preview"))
