"""What every page form does with a service call: commit once, or show the refusal."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask_babel import lazy_gettext as _l

from ..extensions import db
from .errors import DomainError


@dataclass(frozen=True)
class Saved:
    """A committed service call and what it returned (always true, whatever the value)."""

    value: object = None


def saved(form, action: Callable[[], object], errors: list | None = None,
          summary: bool = True) -> Saved | None:
    """Run the service call for a submitted form. Committed: a `Saved` with its result. A
    rule refused it (a DomainError): None, nothing is kept, and its message is added to
    `errors` (the form's own errors unless a field's list is given) for the page to show.
    A refusal that names fields (a FieldError) is shown beside the form's fields it names,
    with a line above the form saying so unless `summary` is false. The refusal's status
    stays on the form (`form.refusal_status`) for a page that answers with it."""
    try:
        value = action()
    except DomainError as error:
        db.session.rollback()
        form.refusal_status = error.status
        message = error.message
        if errors is None and _shown_beside_fields(form, getattr(error, "fields", None) or {}):
            if not summary:
                return None
            message = _l("Correct the fields marked below.")
        (form.form_errors if errors is None else errors).append(message)
        return None
    db.session.commit()
    return Saved(value)


def _shown_beside_fields(form, fields: dict) -> bool:
    """Add each message to the form field it names; true when at least one field took one."""
    placed = False
    for name, message in fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]
            placed = True
    return placed
