"""What every page form does with a service call: commit once, or show the refusal."""
from __future__ import annotations

from typing import Callable

from ..extensions import db
from .errors import DomainError


def saved(form, action: Callable[[], object]) -> bool:
    """Run the service call for a submitted form. True: committed. False: a rule refused it
    (a DomainError): nothing is kept and its message is on the form, for the page to show."""
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return False
    db.session.commit()
    return True
