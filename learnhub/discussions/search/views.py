"""The search page: GET /search?q= (a box; results grouped by thread; paged by `?after=`)."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from ...core.errors import FieldError
from ...core.pagination import next_page_url, page_request
from . import services

bp = Blueprint("search", __name__)


@dataclass
class ThreadGroup:
    thread_id: int
    title: str
    results: list = field(default_factory=list)


def by_thread(results) -> list[ThreadGroup]:
    """The page's results grouped by thread, threads in the order of their newest match."""
    groups: dict[int, ThreadGroup] = {}
    for result in results:
        groups.setdefault(result.thread_id, ThreadGroup(result.thread_id, result.title)).results.append(result)
    return list(groups.values())


@bp.route("/search")
@login_required
def index():
    q = request.args.get("q", "")
    page, error, status = None, None, 200
    if q.strip():
        paging = page_request("after")
        try:
            page = services.search(current_user, q, **paging)
        except FieldError as refused:  # shown beside the box, the query kept for correcting
            error, status = refused.message, 422
        else:
            page.next_url = next_page_url(page.next)
    groups = by_thread(page.items) if page is not None else []
    return render_template("discussions/search.html", q=q, page=page, groups=groups, search_query=q,
                           search_error=error), status
