"""Load a course or a unit for the current user, or refuse with a DomainError (404: a draft
or a missing one looks the same). Pages and the API call the same loaders."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..core.errors import NotFound
from . import services


def _reader():
    """The user object, not the proxy: the visibility checks read it several times."""
    return current_user._get_current_object()


def load_course_view(course_slug: str) -> services.CourseView:
    view = services.find_course_view(_reader(), course_slug)
    if view is None:
        raise NotFound(_l("No course '%(course)s'.", course=course_slug))
    return view


def load_unit_view(course_slug: str, unit_slug: str) -> services.UnitView:
    view = services.find_unit_view(_reader(), course_slug, unit_slug)
    if view is None:
        raise NotFound(_l("No unit '%(unit)s' in course '%(course)s'.", unit=unit_slug, course=course_slug))
    return view
