"""Load a session and its class for the current user (see classes.loaders)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..loaders import class_for
from ..models import SchoolClass
from ..services import get_class
from .models import ClassSession
from .sessions import get_session


def load_session(session_id: int, action: str = "class.view") -> tuple[ClassSession, SchoolClass]:
    """(session, class): 404 outside its class, 403 without `action` on the class."""
    session = get_session(session_id)
    school_class = get_class(session.class_id) if session is not None else None
    return session, class_for(school_class, action, _l("No session %(id)s.", id=session_id))
