"""GET /api/v1/classes/{id}/progress: the staff class dashboard's rows (class_dashboard)."""
from __future__ import annotations

from flask import jsonify, request

from ..classes.loaders import load_class
from ..core.api import page_of, page_params
from ..core.types import utcnow
from ..progress import class_dashboard as rules
from . import bp


@bp.get("/classes/<int:class_id>/progress")
def get_class_progress(class_id: int):
    """Every member's progress in the class's courses (staff of the class); filtered, sorted,
    paginated. Unknown filter values are 422 invalid_filter, an unknown sort 422 invalid_sort."""
    school_class = load_class(class_id, "class.staff")
    offset, limit = page_params()
    dashboard = rules.build(school_class, utcnow(), request.args, strict=True)
    page = page_of(dashboard.rows, offset, limit)
    page["items"] = [rules.row_json(row) for row in page["items"]]
    return jsonify(page)
