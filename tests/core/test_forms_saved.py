"""core.forms.saved: one commit, or the refusal shown where it belongs on the form."""
from wtforms import Form, StringField

from learnhub.core.errors import DomainError, FieldError
from learnhub.core.forms import saved


class NameForm(Form):
    name = StringField()


def test_a_refusal_naming_a_field_is_shown_beside_that_field(app):
    with app.test_request_context():
        form = NameForm()
        assert saved(form, lambda: (_ for _ in ()).throw(FieldError("name", "Too long."))) is None
        assert form.name.errors == ["Too long."]
        assert [str(message) for message in form.form_errors] == ["Correct the fields marked below."]


def test_a_field_the_form_lacks_keeps_the_message_at_the_top(app):
    with app.test_request_context():
        form = NameForm()
        assert saved(form, lambda: (_ for _ in ()).throw(FieldError("colour", "Unknown colour."))) is None
        assert not form.name.errors
        assert [str(message) for message in form.form_errors] == ["Unknown colour."]


def test_a_plain_refusal_is_shown_at_the_top_and_a_success_is_committed(app):
    with app.test_request_context():
        form = NameForm()
        assert saved(form, lambda: (_ for _ in ()).throw(DomainError("No."))) is None
        assert [str(message) for message in form.form_errors] == ["No."]
        assert saved(form, lambda: 42).value == 42
