"""Load a member's roster entry in a class already loaded (see classes.loaders)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ...core.errors import NotFound
from ...core.types import utcnow
from ..models import SchoolClass
from .services import RosterEntry, entry_for


def load_member(school_class: SchoolClass, username: str) -> RosterEntry:
    """The roster entry of `username` (anyone in the class, staff too); 404 otherwise."""
    entry = entry_for(school_class, username, utcnow())
    if entry is None:
        raise NotFound(_l("%(name)s is not in this class.", name=(username or "")[:64]))
    return entry
