"""/api/v1 announcements of a class and their read receipts (the same rules as the pages)."""
from __future__ import annotations

from flask import jsonify, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..classes.announcements import services as rules
from ..classes.announcements.loaders import load_announcement
from ..classes.loaders import load_class
from ..classes.services import ensure_writable
from ..core.api import ApiError, json_body, page_of, page_params
from ..core.markdown import MarkdownRefused
from ..extensions import db
from . import bp


def _iso(value):
    return value.isoformat() if value is not None else None


def announcement_item(entry: rules.AnnouncementEntry) -> dict:
    a = entry.announcement
    author = ({"username": entry.author_username, "display_name": entry.author_name}
              if entry.author_username else None)
    return {"id": a.id, "class_id": a.class_id, "title": a.title, "body_html": rules.body_html(a.body),
            "pinned": a.pinned, "published_at": _iso(a.published_at), "author": author,
            "read": entry.read, "read_at": _iso(entry.read_at),
            "url": url_for("announcements.show", announcement_id=a.id)}


@bp.get("/classes/<int:class_id>/announcements")
def list_announcements(class_id: int):
    """Pinned first, then newest first; `read` is the caller's. One query for the list."""
    offset, limit = page_params()
    school_class = load_class(class_id)
    entries = rules.announcements_for(current_user, school_class)
    return jsonify(page_of([announcement_item(e) for e in entries], offset, limit))


@bp.post("/classes/<int:class_id>/announcements")
def create_announcement(class_id: int):
    school_class = load_class(class_id, "class.staff")
    data = json_body()
    if not isinstance(data.get("body"), str):
        raise ApiError(422, "invalid_field", _("'body' must be a string (Markdown; it may be empty)."))
    pinned = data.get("pinned", False)
    if not isinstance(pinned, bool):
        raise ApiError(422, "invalid_field", _("'pinned' must be true or false."))
    try:
        announcement = rules.post_announcement(current_user, school_class, data.get("title"),
                                               data.get("body"), pinned)
    except MarkdownRefused as error:  # a body over the renderer's bounds: name it (API.md)
        db.session.rollback()
        return jsonify({"error": {"code": error.code, "message": error.message,
                                  "fields": error.fields}}), error.status
    db.session.commit()
    return jsonify(announcement_item(rules.announcement_entry(current_user, announcement))), 201


@bp.post("/announcements/<int:announcement_id>/read")
def read_announcement(announcement_id: int):
    """Idempotent: the first call records the receipt, later ones return the same read_at."""
    announcement, school_class = load_announcement(announcement_id)
    ensure_writable(school_class)
    receipt = rules.mark_read(current_user, announcement)
    db.session.commit()
    return jsonify({"id": announcement.id, "read": True, "read_at": _iso(receipt.read_at)})


@bp.get("/announcements/<int:announcement_id>/receipts")
def announcement_receipts(announcement_id: int):
    announcement, _school_class = load_announcement(announcement_id, "class.staff")
    result = rules.receipts(announcement)
    return jsonify({
        "read": [{"username": r.username, "display_name": r.display_name, "read_at": _iso(r.read_at)}
                 for r in result.read],
        "unread": [{"username": r.username, "display_name": r.display_name} for r in result.unread],
    })
