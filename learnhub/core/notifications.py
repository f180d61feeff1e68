"""In-app notifications: rows written in the caller's transaction, delivery behind one hook.

    from flask_babel import lazy_gettext as _l
    from learnhub.core.notifications import notify

    notify(members, "announcement",
           _l("New announcement in %(class_name)s: %(title)s", class_name=c.name, title=a.title),
           url_for("announcements.show", announcement_id=a.id))

The text is rendered in the READER's language when it is read, not in the poster's: a
`lazy_gettext(...)` text is stored as its English msgid plus its parameters (JSON) and
translated for whoever lists it (a member reads Chinese while staff may post in English).
A plain `str` is stored and shown as it is (text with nothing to translate).

`notify` only adds rows and flushes (one batched INSERT, fine for a class of 500); the caller
commits. After the rows exist, each function in the app's delivery hooks gets them
(`register_delivery(app, fn)` in a feature's init_app: e-mail or WeChat later); the in-app
list needs none, so the default is no hook at all.
"""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Iterable

from flask import current_app
from flask_babel import LazyString, gettext
from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    bindparam,
    case,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .pagination import Key, Page, paginate
from .types import UTCDateTime, utcnow

# Kinds so far (API.md). A new kind is added here and in a migration's check constraint.
KINDS = ("announcement", "result_released", "submission_graded", "mention", "reply", "report")
DELIVERY_KEY = "learnhub_notification_delivery"
MAX_TEXT_LENGTH = 1000
MAX_URL_LENGTH = 500


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint("kind IN (" + ", ".join(f"'{k}'" for k in KINDS) + ")", name="kind_known"),
        Index("ix_notifications_user_id_id", "user_id", "id"),  # a user's list, newest first
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, comment="literal text, or a msgid when params is set")
    params: Mapped[dict | None] = mapped_column(JSON, comment="msgid parameters; null: text is literal")
    url: Mapped[str] = mapped_column(String(MAX_URL_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def read(self) -> bool:
        return self.read_at is not None

    def render(self) -> str:
        """The text in the current request's language."""
        return render_text(self.text, self.params)


def render_text(text: str, params: dict | None) -> str:
    if params is None:
        return text
    try:
        return gettext(text, **params)
    except (KeyError, ValueError, TypeError):  # a translation naming a parameter we lack
        try:
            return text % params
        except (KeyError, ValueError, TypeError):
            return text


def _stored_text(text) -> tuple[str, dict | None]:
    if isinstance(text, LazyString):
        if text._func is not gettext or len(text._args) != 1:  # pragma: no cover - misuse
            raise TypeError("notify() takes lazy_gettext(msgid, **params) or a plain str")
        return text._args[0], dict(text._kwargs)
    if isinstance(text, str):
        return text, None
    raise TypeError(f"notification text must be str or lazy_gettext, not {type(text).__name__}")


def notify(users: Iterable, kind: str, text, url: str) -> list[int]:
    """One notification per user (users or user ids; duplicates once), in the caller's
    transaction: a batched INSERT, flushed, not committed. Returns the new rows' ids."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}; add it to KINDS (and a migration)")
    msgid, params = _stored_text(text)
    if len(msgid) > MAX_TEXT_LENGTH or len(url) > MAX_URL_LENGTH:
        raise ValueError("notification text or url too long")
    if not url.startswith("/") or url.startswith("//"):  # a path of this site, never a scheme
        raise ValueError(f"notification url must be a path of the site, not {url!r}")
    user_ids = list(dict.fromkeys(getattr(u, "id", u) for u in users))
    if not user_ids:
        return []
    now = utcnow()
    rows = [{"user_id": uid, "kind": kind, "text": msgid, "params": params, "url": url,
             "created_at": now} for uid in user_ids]
    db.session.flush()  # the caller's pending rows first (the users may be new)
    ids = list(db.session.scalars(insert(Notification).returning(Notification.id), rows))
    if _hooks():  # load the rows only for someone who delivers them
        deliver(db.session.scalars(select(Notification).where(Notification.id.in_(ids))).all())
    return ids


def site_path(endpoint: str, **values) -> str:
    """The path of a page for a notification's `url`, built without a request (a service may
    notify from the CLI or a background job): `site_path("announcements.show", announcement_id=1)`."""
    return current_app.url_map.bind("").build(endpoint, values)


def _hooks() -> list:
    return current_app.extensions.get(DELIVERY_KEY, [])


def register_delivery(app, hook) -> None:
    """`hook(rows)` is called with the new Notification rows (e-mail, WeChat...), inside the
    caller's transaction: a hook that sends outside the database should queue, not send."""
    app.extensions.setdefault(DELIVERY_KEY, []).append(hook)


def deliver(new_rows: list[Notification]) -> None:
    """Hand new notifications to every delivery hook. In-app needs none: the rows are it."""
    for hook in _hooks():
        hook(new_rows)


# Built once: every page's header asks it (the badge), so no statement is built per request and
# it runs on the connection (no ORM result machinery for one count).
_UNREAD_COUNT = select(func.count()).select_from(Notification).where(
    Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))


def unread_count(user) -> int:
    return db.session.connection().execute(_UNREAD_COUNT, {"user_id": user.id}).scalar() or 0


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (only `ids` when given; another user's ids change
    nothing). Flushes; returns how many changed."""
    query = (update(Notification)
             .where(Notification.user_id == user.id, Notification.read_at.is_(None))
             .values(read_at=utcnow()).execution_options(synchronize_session=False))
    if ids is not None:
        ids = [i for i in ids if isinstance(i, int) and not isinstance(i, bool)]
        if not ids:
            return 0
        query = query.where(Notification.id.in_(ids))
    return db.session.execute(query).rowcount or 0


# Newest first; ids grow with time, so the id alone is the (unique) sort key.
NEWEST_FIRST = (Key(Notification.id, desc=True),)


def list_query(user):
    """The user's notifications, unordered: page it with NEWEST_FIRST."""
    return select(Notification).where(Notification.user_id == user.id)


def page_for(user, limit: int = 20, cursor: str | None = None) -> Page:
    """One page of the user's notifications, newest first (400 `invalid_cursor` on a bad one)."""
    return paginate(list_query(user), NEWEST_FIRST, limit=limit, cursor=cursor)


@lru_cache(maxsize=1)
def _state_statement():
    """Built once: the badge polls it (every open tab, every ~30 s)."""
    return select(
        func.max(Notification.id),
        func.coalesce(func.sum(case((Notification.read_at.is_(None), 1), else_=0)), 0),
        func.max(Notification.read_at, type_=UTCDateTime),
    ).where(Notification.user_id == bindparam("user_id"))


def state(user_id: int) -> tuple:
    """(max id, unread count, last read time) of the user's notifications: what a cached list
    depends on. One statement (over the user's rows of ix_notifications_user_id_id), no ORM."""
    row = db.session.connection().execute(_state_statement(), {"user_id": user_id}).one()
    return row[0] or 0, int(row[1]), row[2]
