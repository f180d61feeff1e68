"""Following threads, and the notifications a new post sends (core.signals.post_created).

- `follow` / `unfollow` set ThreadUser.following (True / False) in one upsert.
- On a new post (`on_post_created`): the author follows the thread unless they unfollowed
  it (False stays False); members mentioned with `@username` who may read the thread get a
  `mention`; the other followers (never the author) get a `reply`. A mentioned follower gets
  the mention only. The fan-out is one SELECT of the followers and one batched INSERT per
  FANOUT_BATCH of them (core.notifications.notify), never a statement per follower.
- Edits send nothing: the signal is for new posts only, so a mention added by an edit does
  not notify (an author cannot re-notify people by editing a post over and over).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select, true
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ...auth.models import User
from ...classes.models import Membership
from ...core.errors import NotFound
from ...core.notifications import notify, site_path
from ...core.permissions import ADMIN, allowed
from ...extensions import db
from ..models import ThreadUser
from .mentions import mentioned_names

# One INSERT per batch: notify() sends its rows as one executemany, which SQLAlchemy's
# insertmanyvalues turns into one multi-row INSERT per 1,000 rows (its default page size).
FANOUT_BATCH = 1000


def _insert():
    return pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _set_following(user_id: int, thread_id: int, following: bool, *, only_if_unset: bool = False) -> None:
    """One INSERT .. ON CONFLICT: a row for a first choice, else the choice changed
    (`only_if_unset`: only when the member never chose, so an unfollow stays)."""
    statement = _insert()(ThreadUser).values(user_id=user_id, thread_id=thread_id, following=following,
                                             last_read_number=0)
    statement = statement.on_conflict_do_update(
        index_elements=[ThreadUser.user_id, ThreadUser.thread_id],
        set_={"following": statement.excluded.following},
        where=ThreadUser.following.is_(None) if only_if_unset else None)
    db.session.execute(statement)


def _require_reader(user, thread) -> None:
    if not allowed(user, "discussion.read", thread):
        raise NotFound(_l("No thread %(id)s.", id=thread.id))


def follow(user, thread) -> None:
    """The member follows the thread (they must be able to read it). Flushes."""
    _require_reader(user, thread)
    _set_following(user.id, thread.id, True)


def unfollow(user, thread) -> None:
    """The member stops following; posting in the thread again will not re-follow them."""
    _require_reader(user, thread)
    _set_following(user.id, thread.id, False)


def is_following(user, thread) -> bool:
    return bool(db.session.scalar(select(ThreadUser.following).where(
        ThreadUser.user_id == user.id, ThreadUser.thread_id == thread.id)))


# ---- mentions ---------------------------------------------------------------------------------

def mentioned_readers(markdown: str, thread, author_id: int | None) -> list[int]:
    """Ids of the active members mentioned in `markdown` who may read `thread`, never the
    author: one query for the names (at most MAX_MENTIONS of them), then the read policy
    for each (class threads: its members and staff; course threads: whoever sees the course)."""
    mentions = mentioned_names(markdown)
    if not mentions:
        return []
    names = {name for readings in mentions for name in readings}
    users = {u.username: u for u in db.session.scalars(
        select(User).where(User.username.in_(names), User.active.is_(True)))}
    found: dict[int, User] = {}
    for readings in mentions:
        user = next((users[name] for name in readings if name in users), None)  # the longest reading
        if user is not None and user.id != author_id:
            found[user.id] = user
    return [uid for uid, user in found.items() if allowed(user, "discussion.read", thread)]


# ---- followers --------------------------------------------------------------------------------

def follower_ids(thread, *, exclude=()) -> list[int]:
    """The thread's active followers who may still read it, one query. A class thread's
    are its members and staff (and admins): what `class.view` allows, in SQL, so a member who
    left the class hears no more of it. `exclude`: ids left out (the author, the mentioned)."""
    query = (select(ThreadUser.user_id)
             .join(User, User.id == ThreadUser.user_id)
             .where(ThreadUser.thread_id == thread.id, ThreadUser.following == true(), User.active.is_(True))
             .order_by(ThreadUser.user_id))
    if thread.class_id is not None:
        query = query.where((User.role == ADMIN) | exists().where(
            Membership.class_id == thread.class_id, Membership.user_id == User.id))
    skip = set(exclude)
    return [uid for uid in db.session.scalars(query) if uid not in skip]


def _notify_in_batches(user_ids: list[int], kind: str, text, url: str) -> None:
    for start in range(0, len(user_ids), FANOUT_BATCH):
        notify(user_ids[start:start + FANOUT_BATCH], kind, text, url)


def on_post_created(_sender, post=None, thread=None, new_thread: bool = False, **_extra) -> None:
    """core.signals.post_created: follow, mentions, replies (in the poster's transaction)."""
    if post is None or thread is None:
        return
    author_id = post.author_id
    if author_id is not None:
        _set_following(author_id, thread.id, True, only_if_unset=True)
    author = db.session.get(User, author_id) if author_id is not None else None
    name = author.display_name if author is not None else ""
    url = site_path("discussions.goto_post", post_id=post.id)
    mentioned = mentioned_readers(post.body, thread, author_id)
    if mentioned:
        notify(mentioned, "mention",
               _l("%(user)s mentioned you in “%(title)s”", user=name, title=thread.title), url)
    if new_thread:
        return  # nobody follows a thread that did not exist a moment ago
    followers = follower_ids(thread, exclude={author_id, *mentioned})
    _notify_in_batches(followers, "reply", _l("%(user)s replied in “%(title)s”", user=name, title=thread.title),
                       url)
