"""Load a class (or an object of a class) for the current user, or refuse with a DomainError.

One rule for every class object, pages and API alike: 404 when the caller has no part in
the class (they may not know it exists), 403 when they have a part in it but may not do
`action`. The sub-packages' loaders (announcements, attendance, exams, roster) build on
`class_for`.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..core.errors import Forbidden, NotFound
from ..core.permissions import allowed
from .models import SchoolClass
from .services import get_class


def class_for(school_class: SchoolClass | None, action: str, missing, target=None) -> SchoolClass:
    """The class of an object found (None: not found), if the caller may `action` it (asked
    of `target` when given, e.g. the announcement for `announcement.edit`); `missing` is the
    404's message."""
    if school_class is None or not allowed(current_user, "class.view", school_class):
        raise NotFound(missing)
    if not allowed(current_user, action, school_class if target is None else target):
        raise Forbidden(_l("You do not have permission to do this in this class."))
    return school_class


def load_class(class_id: int, action: str = "class.view") -> SchoolClass:
    return class_for(get_class(class_id), action, _l("No class %(id)s.", id=class_id))
