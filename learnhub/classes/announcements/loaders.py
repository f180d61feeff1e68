"""Load an announcement and its class for the current user (see classes.loaders)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..loaders import class_for
from ..models import SchoolClass
from ..services import get_class
from .models import Announcement
from .services import get_announcement


def load_announcement(announcement_id: int, action: str = "class.view") -> tuple[Announcement, SchoolClass]:
    """(announcement, class): 404 outside its class, 403 without `action` (a class action, or
    `announcement.edit`, asked of the announcement)."""
    announcement = get_announcement(announcement_id)
    school_class = get_class(announcement.class_id) if announcement is not None else None
    target = announcement if action.startswith("announcement.") else None
    return announcement, class_for(school_class, action, _l("No announcement %(id)s.", id=announcement_id), target)
