"""/api/v1 progress: the unit page's study-time heartbeat."""
from __future__ import annotations

from flask import jsonify
from flask_babel import lazy_gettext as _l
from flask_babel import gettext as _
from flask_login import current_user

from ..core.api import ApiError, json_body
from ..core.types import utcnow
from ..courses import services as course_services
from ..extensions import db
from ..progress import services as progress
from ..progress.heartbeat import MAX_REPORTED_SECONDS, record_beat
from . import bp


def _heartbeat_body() -> tuple[float, bool]:
    data = json_body()
    seconds = data.get("visible_seconds")
    reached_end = data.get("reached_end", False)
    if (isinstance(seconds, bool) or not isinstance(seconds, (int, float))
            or not 0 <= seconds <= MAX_REPORTED_SECONDS):  # NaN fails the range too
        raise ApiError(422, "invalid_heartbeat",
                       _l("'visible_seconds' must be a number of seconds from 0 to 86400."))
    if not isinstance(reached_end, bool):
        raise ApiError(422, "invalid_heartbeat", _l("'reached_end' must be true or false."))
    return float(seconds), reached_end


@bp.post("/courses/<course_slug>/units/<unit_slug>/heartbeat")
def unit_heartbeat(course_slug: str, unit_slug: str):
    """The hot path: the unit from this process's index (no query), three statements."""
    seconds, reached_end = _heartbeat_body()
    course = course_services.get_course(course_slug, current_user)
    unit = course and next((u for u in course_services.course_units(course, current_user)
                            if u.slug == unit_slug), None)
    if unit is None:
        raise ApiError(404, "not_found", _l("No unit '%(unit)s' in course '%(course)s'.",
                                            unit=unit_slug, course=course_slug))
    if unit.requires:
        lock = progress.unit_lock(current_user, unit, course)
        if lock:
            raise ApiError(403, "locked", lock.message)
    result = record_beat(current_user.id, unit, seconds, reached_end, utcnow())
    body = {"completed": result.completed, "study_seconds": result.study_seconds,
            "unit_study_seconds": result.unit_seconds, "credited_seconds": result.credited}
    if result.completed_now:  # the page updates its tick and bar without a reload
        figure = progress.course_progress_for(current_user, [course])[course.id]
        body["progress"] = figure.as_dict()
        body["progress_text"] = _("%(done)d of %(total)d required units",
                                  done=figure.completed, total=figure.total)
    db.session.commit()
    return jsonify(body)
