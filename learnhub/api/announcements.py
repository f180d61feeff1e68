"""/api/v1 announcements of a class and their read receipts (the same rules as the pages)."""
from __future__ import annotations

from typing import Literal, Optional

from flask import url_for
from flask_login import current_user
from pydantic import Field

from ..classes.announcements import services as rules
from ..classes.announcements.loaders import load_announcement
from ..classes.announcements.services import BODY_MAX, TITLE_MAX
from ..classes.loaders import load_class
from ..classes.services import ensure_writable
from ..core.pagination import page_request
from ..extensions import db
from . import bp
from .schema import ApiDateTime, Body, Out, Page, PageQuery, declare, text

TAGS = ("announcements",)

# ---- schemas -----------------------------------------------------------------------------------


class NewAnnouncement(Body):
    title: text(TITLE_MAX)
    body: text(BODY_MAX, blank=True) = Field(
        description="Markdown (it may be empty); a text over the renderer's bounds (lists or quotes nested "
                    "more than 12 deep, runs of unclosed brackets, more than it can format in time) is 422 "
                    "`invalid_field`")
    pinned: bool = False


class Author(Out):
    username: str
    display_name: str


class Announcement(Out):
    """Announcement"""

    id: int
    class_id: int
    title: str
    body_html: str = Field(description="the Markdown body, rendered and sanitised")
    pinned: bool
    published_at: ApiDateTime
    author: Optional[Author] = Field(description="null once the author's account is gone")
    read: bool = Field(description="whether the caller has opened it")
    read_at: Optional[ApiDateTime]
    url: str


class AnnouncementRead(Out):
    """Read"""

    id: int
    read: Literal[True]
    read_at: ApiDateTime


class ReadReceipt(Out):
    username: str
    display_name: str
    read_at: ApiDateTime


class Unread(Out):
    username: str
    display_name: str


class AnnouncementReceipts(Out):
    """Receipts"""

    read: list[ReadReceipt] = Field(description="by time of reading")
    unread: list[Unread] = Field(description="by username")


def announcement_out(entry: rules.AnnouncementEntry) -> dict:
    a = entry.announcement
    author = ({"username": entry.author_username, "display_name": entry.author_name}
              if entry.author_username else None)
    return {"id": a.id, "class_id": a.class_id, "title": a.title, "body_html": rules.body_html(a.body),
            "pinned": a.pinned, "published_at": a.published_at, "author": author,
            "read": entry.read, "read_at": entry.read_at,
            "url": url_for("announcements.show", announcement_id=a.id)}


# ---- routes ------------------------------------------------------------------------------------

@bp.get("/classes/<int:class_id>/announcements")
@declare("The class's announcements, pinned first then newest first; `read` is the caller's",
         query=PageQuery, responses={200: Page[Announcement]}, errors=(400, 404), tags=TAGS)
def list_announcements(class_id: int, query: PageQuery):
    """One query for the page."""
    paging = page_request()
    school_class = load_class(class_id)
    page = rules.announcements_page(current_user, school_class, **paging)
    page.items = [announcement_out(entry) for entry in page.items]
    return page


@bp.post("/classes/<int:class_id>/announcements")
@declare("Post an announcement to the class (its staff); 409 when archived", body=NewAnnouncement,
         responses={201: Announcement}, errors=(403, 404, 409), tags=TAGS)
def create_announcement(class_id: int, body: NewAnnouncement):
    school_class = load_class(class_id, "class.staff")
    # A body over the renderer's bounds: MarkdownRefused, 422 naming the field (API.md).
    announcement = rules.post_announcement(current_user, school_class, body.title, body.body, body.pinned)
    db.session.commit()
    return announcement_out(rules.announcement_entry(current_user, announcement)), 201


@bp.post("/announcements/<int:announcement_id>/read")
@declare("Record that the caller has read it (idempotent); 409 when archived",
         responses={200: AnnouncementRead}, errors=(404, 409), tags=TAGS)
def read_announcement(announcement_id: int):
    """The first call records the receipt, later ones return the same read_at."""
    announcement, school_class = load_announcement(announcement_id)
    ensure_writable(school_class)
    receipt = rules.mark_read(current_user, announcement)
    db.session.commit()
    return {"id": announcement.id, "read": True, "read_at": receipt.read_at}


@bp.get("/announcements/<int:announcement_id>/receipts")
@declare("Which members of the class have read it and which have not (staff)",
         responses={200: AnnouncementReceipts}, errors=(403, 404), tags=TAGS)
def announcement_receipts(announcement_id: int):
    announcement, _school_class = load_announcement(announcement_id, "class.staff")
    return rules.receipts(announcement)  # Receipt rows: only the fields declared go out
