"""Announcements of a class and their read receipts.

Staff of the class post (Markdown, sanitised when shown, optionally pinned); the author or
the head teacher edits and deletes. Deleting is a real delete (its receipts go with it, by
the foreign key's ON DELETE CASCADE) and is recorded in the audit log with the title:
an announcement is a notice, not a record staff must keep. Opening an announcement
records one receipt per person (a unique row; a double read is no error).

Functions take explicit arguments and flush; the caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, and_, cast, select

from ...auth.models import User
from ...core.audit import audit
from ...core.database import add_or_get
from ...core.errors import DomainError
from ...core.markdown import render_staff_markdown, require_renderable
from ...core.notifications import notify, site_path
from ...core.pagination import Key, Page, paginate
from ...core.text import require_valid_text
from ...core.types import utcnow
from ...extensions import db
from ..models import Membership, SchoolClass
from ..services import ensure_writable
from .models import Announcement, AnnouncementRead

TITLE_MAX = 200
BODY_MAX = 20_000
# Rows posted before published_at and updated_at were written as one value differ by the
# microseconds between two clock reads: that is not an edit.
EDIT_GRACE = timedelta(seconds=1)


class AnnouncementError(DomainError):
    status, code = 422, "invalid_announcement"


# ---- writing ---------------------------------------------------------------------------------

def clean_body(body) -> str:
    """The body: a string of at most 20,000 characters the renderer accepts, or a 422."""
    if body is None:
        body = ""
    if not isinstance(body, str):
        raise AnnouncementError(_l("The text must be a string."))
    if len(body) > BODY_MAX:
        raise AnnouncementError(_l("The text is longer than %(n)d characters.", n=BODY_MAX))
    require_valid_text(body, "body")
    require_renderable(body, "body")
    return body


def clean_fields(title, body) -> tuple[str, str]:
    """The title (stripped, 1-200 characters) and body (as `clean_body`), or a 422."""
    if not isinstance(title, str) or not title.strip():
        raise AnnouncementError(_l("An announcement needs a title."))
    title = title.strip()
    if len(title) > TITLE_MAX:
        raise AnnouncementError(_l("The title is longer than %(n)d characters.", n=TITLE_MAX))
    require_valid_text(title, "title")
    return title, clean_body(body)


def post_announcement(actor: User, school_class: SchoolClass, title, body, pinned: bool = False) -> Announcement:
    """A new announcement of the class, published now. The caller checked `class.staff`."""
    ensure_writable(school_class)
    title, body = clean_fields(title, body)
    now = utcnow()   # one value: an announcement never edited has updated_at == published_at
    announcement = Announcement(class_id=school_class.id, title=title, body=body, pinned=bool(pinned),
                                author_id=actor.id, published_at=now, created_at=now, updated_at=now)
    db.session.add(announcement)
    db.session.flush()
    _notify_members(actor, school_class, announcement)
    return announcement


def _notify_members(actor: User, school_class: SchoolClass, announcement: Announcement) -> None:
    """Each member of the class gets a notification (staff posted it: they need none)."""
    members = db.session.scalars(select(Membership.user_id).where(
        Membership.class_id == school_class.id, Membership.role == "member",
        Membership.user_id != actor.id)).all()
    notify(members, "announcement",
           _l("New announcement in %(class_name)s: %(title)s", class_name=school_class.name,
              title=announcement.title),
           site_path("announcements.show", announcement_id=announcement.id))


def update_announcement(school_class: SchoolClass, announcement: Announcement, title, body,
                        pinned: bool) -> Announcement:
    """Change the text or the pin. The caller checked `announcement.edit`."""
    ensure_writable(school_class)
    announcement.title, announcement.body = clean_fields(title, body)
    announcement.pinned = bool(pinned)
    db.session.flush()
    return announcement


def delete_announcement(actor: User, school_class: SchoolClass, announcement: Announcement) -> None:
    """Delete it with its receipts; the audit log keeps who deleted what."""
    ensure_writable(school_class)
    audit(actor, "announcement.delete", announcement, class_id=school_class.id, title=announcement.title)
    db.session.delete(announcement)
    db.session.flush()


# ---- reading ---------------------------------------------------------------------------------

def get_announcement(announcement_id: int) -> Announcement | None:
    return db.session.get(Announcement, announcement_id)


def mark_read(user: User, announcement: Announcement) -> AnnouncementRead:
    """The user's receipt for the announcement, written on the first read only.

    A second read (or two tabs at once) finds the first row: one row per announcement and
    user, held by the unique constraint, resolved by add_or_get.
    """
    def existing():
        return db.session.scalar(select(AnnouncementRead).where(
            AnnouncementRead.announcement_id == announcement.id, AnnouncementRead.user_id == user.id))

    found = existing()
    if found is not None:
        return found
    receipt, _created = add_or_get(db.session, AnnouncementRead(
        announcement_id=announcement.id, user_id=user.id, read_at=utcnow()), existing)
    return receipt


def body_html(body: str) -> str:
    """The sanitised HTML of a body (core caches it by the text); a stored body the renderer
    cannot take shows as escaped text."""
    return render_staff_markdown(body)


def edited_at(announcement: Announcement) -> datetime | None:
    """When it was last changed after publishing, or None if it never was."""
    updated, published = announcement.updated_at, announcement.published_at
    if updated is None or published is None or updated - published <= EDIT_GRACE:
        return None
    return updated


@dataclass
class AnnouncementEntry:
    """An announcement as a reader sees it: with its author and the reader's receipt."""
    announcement: Announcement
    author_username: str | None
    author_name: str | None
    read_at: datetime | None

    @property
    def read(self) -> bool:
        return self.read_at is not None

    @property
    def edited_at(self) -> datetime | None:
        return edited_at(self.announcement)


def _entries_statement(user_id: int):
    return (select(Announcement, User.username, User.display_name, AnnouncementRead.read_at)
            .outerjoin(User, User.id == Announcement.author_id)
            .outerjoin(AnnouncementRead, and_(AnnouncementRead.announcement_id == Announcement.id,
                                              AnnouncementRead.user_id == user_id)))


# Pinned first, then newest first, for the pages and the API's keyset pages (core.pagination).
# The pin as 1/0 (a keyset compares it: SQLAlchemy writes no `pinned < true`), labelled so the
# page reads it back from the row.
NEWEST_PINNED_FIRST = (Key(cast(Announcement.pinned, Integer).label("pin"), desc=True, nullable=False),
                       Key(Announcement.published_at, desc=True), Key(Announcement.id, desc=True))


def announcements_for(user: User, school_class: SchoolClass) -> list[AnnouncementEntry]:
    """The class's announcements, pinned first, then newest first; one query in all."""
    rows = db.session.execute(
        _entries_statement(user.id).where(Announcement.class_id == school_class.id)
        .order_by(*(key.order_by() for key in NEWEST_PINNED_FIRST))).all()
    return [AnnouncementEntry(*row) for row in rows]


def announcements_page(user: User, school_class: SchoolClass, limit: int, cursor: str | None) -> Page:
    """One keyset page of `announcements_for` (400 `invalid_cursor` on a bad cursor)."""
    page = paginate(_entries_statement(user.id).where(Announcement.class_id == school_class.id),
                    NEWEST_PINNED_FIRST, limit=limit, cursor=cursor)
    page.items = [AnnouncementEntry(*row) for row in page.items]
    return page


def announcement_entry(user: User, announcement: Announcement) -> AnnouncementEntry:
    row = db.session.execute(_entries_statement(user.id).where(Announcement.id == announcement.id)).one()
    return AnnouncementEntry(*row)


# ---- receipts --------------------------------------------------------------------------------

@dataclass
class Receipt:
    username: str
    display_name: str
    student_no: str | None
    department: str | None
    phone: str | None
    read_at: datetime | None


@dataclass
class Receipts:
    read: list[Receipt]     # by time of reading
    unread: list[Receipt]   # by username


def receipts(announcement: Announcement) -> Receipts:
    """Who of the class's members has read the announcement and who has not: one query.

    Only members count: staff who open it get a receipt too, but nobody chases them.
    """
    rows = db.session.execute(
        select(User.username, User.display_name, Membership.student_no, Membership.department,
               Membership.phone, AnnouncementRead.read_at)
        .join(Membership, Membership.user_id == User.id)
        .outerjoin(AnnouncementRead, and_(AnnouncementRead.user_id == User.id,
                                          AnnouncementRead.announcement_id == announcement.id))
        .where(Membership.class_id == announcement.class_id, Membership.role == "member")
        .order_by(User.username)).all()
    everyone = [Receipt(*row) for row in rows]
    read = sorted((r for r in everyone if r.read_at is not None), key=lambda r: (r.read_at, r.username))
    return Receipts(read=read, unread=[r for r in everyone if r.read_at is None])
