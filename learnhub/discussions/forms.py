"""The thread pages' forms: a new thread, a reply, an edit. Lengths are checked here for a
quick message beside the field; the posting services hold the rules (and check again)."""
from __future__ import annotations

from uuid import uuid4

from flask_babel import lazy_gettext as _l, lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import HiddenInput

from .models import BODY_MAX, CLIENT_KEY_MAX, TITLE_MAX

BODY_HINT = _l("Markdown: **bold**, lists, links, `code`. Mention someone with @username.")


def fresh_key() -> str:
    """An idempotency key per rendered form: submitting the same form twice posts once."""
    return uuid4().hex


# Hidden fields carry a label of their own: without one, wtforms translates the field's name
# through its catalog, which Flask-WTF loads from disk once per request (some 0.2 ms a page).
class _Keyed(FlaskForm):
    client_key = HiddenField("Client Key", default=fresh_key,
                             validators=[Optional(), Length(max=CLIENT_KEY_MAX), Regexp(r"^[A-Za-z0-9_-]*$")])


class NewThreadForm(_Keyed):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    kind = RadioField(_l("Kind"), default="discussion",
                      choices=[SelectChoice("discussion", _l("Discussion")),
                               SelectChoice("question", lazy_pgettext("thread kind", "Question"))])
    unit = SelectField(_l("Unit"), choices=[SelectChoice("", _l("The whole course"))], default="", validate_choice=True)
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=BODY_MAX)], description=BODY_HINT)
    submit = SubmitField(_l("Post thread"))


class ReplyForm(_Keyed):
    body = TextAreaField(_l("Your reply"), validators=[DataRequired(), Length(max=BODY_MAX)],
                         description=BODY_HINT)
    quote = IntegerField("Quote", widget=HiddenInput(), validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])
    submit = SubmitField(_l("Reply"))


class EditPostForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=TITLE_MAX)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=BODY_MAX)], description=BODY_HINT)
    submit = SubmitField(_l("Save"))
