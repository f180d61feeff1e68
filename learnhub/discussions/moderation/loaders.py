"""Load a report for its thread's moderators (404 / 403 as discussions.loaders rules)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ...core.errors import NotFound
from ...extensions import db
from ..loaders import load_post
from ..models import Post, PostReport, Thread


def load_report(report_id: int) -> tuple[PostReport, Post, Thread]:
    """(report, its post, its thread): 404 for a report that does not exist or whose thread
    the caller may not read; 403 for a reader who does not moderate it."""
    report = db.session.get(PostReport, report_id)
    if report is None:
        raise NotFound(_l("No report %(id)s.", id=report_id))
    post, thread = load_post(report.post_id, "discussion.moderate")
    return report, post, thread
