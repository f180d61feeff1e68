"""What every page form does with a service call: commit once, or show the refusal."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..extensions import db
from .errors import DomainError


@dataclass(frozen=True)
class Saved:
    """A committed service call and what it returned (always true, whatever the value)."""

    value: object = None


def saved(form, action: Callable[[], object], errors: list | None = None) -> Saved | None:
    """Run the service call for a submitted form. Committed: a `Saved` with its result. A
    rule refused it (a DomainError): None, nothing is kept, and its message is added to
    `errors` (the form's own errors unless a field's list is given) for the page to show."""
    try:
        value = action()
    except DomainError as error:
        db.session.rollback()
        (form.form_errors if errors is None else errors).append(error.message)
        return None
    db.session.commit()
    return Saved(value)
