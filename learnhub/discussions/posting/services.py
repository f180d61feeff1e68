"""Writing threads and posts: new threads and replies, edits (with their history), soft
deletes, the accepted answer of a question.

Rules held here, for the pages and the API alike:
- a title is 1-200 characters, a body 1-20,000 that the member renderer accepts (422
  `invalid_field` naming the field);
- a reply's number comes from one conditional UPDATE of the thread (`highest_number + 1`,
  RETURNING), so two replies at once never get the same number on either database;
- the same author and client key post once (a double-submitted form, a retried API call):
  the second call returns the first post, also when both arrive at once (the unique
  constraint decides, inside a savepoint);
- locked and hidden threads take no replies; deleted or hidden posts cannot be quoted;
- authors edit within EDIT_WINDOW, moderators any time; every edit keeps the text before
  as a PostRevision; a delete is soft (the post stays, numbered, as "post removed");
- every change bumps Thread.version (the ETag of the thread page, its API and live poll).

Functions take explicit arguments and flush; the caller commits. `post_created` is sent
after a new post is flushed (receivers flush only).
"""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import bleach
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, func, select, true, update
from sqlalchemy.orm.attributes import set_committed_value

from ...core.audit import audit
from ...core.database import Conflict, savepoint
from ...core.errors import DomainError, FieldError, Forbidden
from ...core.markdown import render_member_markdown, require_renderable
from ...core.permissions import allowed
from ...core.signals import post_created
from ...core.text import is_valid_text
from ...core.types import utcnow
from ...extensions import db
from ..models import BODY_MAX, CLIENT_KEY_MAX, EXCERPT_MAX, KINDS, TITLE_MAX, Post, PostRevision, Thread
from ..places import place_of
from ..policies import refuse_read_only
from ..search.tokens import search_text

EDIT_WINDOW = timedelta(minutes=30)


# ---- validation -------------------------------------------------------------------------------

def clean_title(title) -> str:
    """The title, stripped: 1-200 characters of valid text, or 422 naming `title`."""
    if not isinstance(title, str) or not title.strip():
        raise FieldError("title", _l("A thread needs a title."))
    title = title.strip()
    if len(title) > TITLE_MAX:
        raise FieldError("title", _l("The title is longer than %(n)d characters.", n=TITLE_MAX))
    if not is_valid_text(title):
        raise FieldError("title", _l("The title contains a character that is not allowed."))
    return title


def clean_body(body) -> str:
    """The body as written: 1-20,000 characters of valid text the renderer takes, or 422."""
    if not isinstance(body, str) or not body.strip():
        raise FieldError("body", _l("Write something first: the text is empty."))
    if len(body) > BODY_MAX:
        raise FieldError("body", _l("The text is longer than %(n)d characters (it has %(length)d).",
                                    n=BODY_MAX, length=len(body)))
    if not is_valid_text(body):
        raise FieldError("body", _l("The text contains a character that is not allowed."))
    require_renderable(body, "body")
    return body


def clean_kind(kind) -> str:
    if kind not in KINDS:
        raise FieldError("kind", _l("A thread is a discussion or a question."))
    return kind


def clean_client_key(client_key) -> str | None:
    """None, or a key of 1-64 printable characters (a form's uuid, an Idempotency-Key)."""
    if client_key is None or client_key == "":
        return None
    if (not isinstance(client_key, str) or len(client_key) > CLIENT_KEY_MAX
            or not is_valid_text(client_key) or not client_key.isprintable()):
        raise FieldError("client_key", _l("The idempotency key must be 1 to %(n)d printable characters.",
                                          n=CLIENT_KEY_MAX))
    return client_key


_SPACE = re.compile(r"\s+")


def plain_excerpt(body_html: str, limit: int = EXCERPT_MAX) -> str:
    """The start of a post as plain text (quotes, notifications): tags gone, spaces folded."""
    text = _SPACE.sub(" ", unescape(bleach.clean(body_html, tags=set(), strip=True))).strip()
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _render(post: Post, body: str, title: str | None) -> None:
    post.body = body
    post.body_html = render_member_markdown(body)
    post.excerpt = plain_excerpt(post.body_html)
    post.search_text = search_text(title, body)


# ---- who may ----------------------------------------------------------------------------------

def _moderates(user, thread: Thread, known: bool | None = None) -> bool:
    """`known`: the caller already asked (a thread page asks once, not once per post)."""
    return allowed(user, "discussion.moderate", thread) if known is None else known


def _is_author(user, post: Post) -> bool:
    return getattr(user, "is_authenticated", False) and post.author_id is not None and post.author_id == user.id


def _within_window(post: Post) -> bool:
    return utcnow() - post.created_at <= EDIT_WINDOW


def may_edit(user, post: Post, thread: Thread, *, moderates: bool | None = None) -> bool:
    """Moderators any time; the author within EDIT_WINDOW, while the thread is open and the
    post shown. Nobody edits a deleted post. (`moderates`: whether `user` moderates `thread`,
    when the caller knows it already.)"""
    if post.deleted_at is not None:
        return False
    if _moderates(user, thread, moderates):
        return True
    return (_is_author(user, post) and not post.hidden and not thread.locked and not thread.hidden
            and _within_window(post))


def may_delete(user, post: Post, thread: Thread, *, moderates: bool | None = None) -> bool:
    """Moderators; the author while the thread is open (no window: one may always take back
    what one wrote)."""
    if post.deleted_at is not None:
        return False
    return _moderates(user, thread, moderates) or (_is_author(user, post) and not thread.locked and not thread.hidden)


def may_accept(user, post: Post, thread: Thread, *, moderates: bool | None = None) -> bool:
    """A shown reply of a question thread; the thread's author or a moderator."""
    if thread.kind != "question" or post.number <= 1 or post.deleted_at is not None or post.hidden:
        return False
    is_thread_author = getattr(user, "is_authenticated", False) and thread.author_id == user.id
    return is_thread_author or _moderates(user, thread, moderates)


# ---- the thread row ---------------------------------------------------------------------------

def _update_thread(thread: Thread, open_only: bool = False, **values) -> bool:
    """One UPDATE of the thread that also bumps its version, RETURNING the new values, which
    are set on the loaded object as committed (no reload, nothing re-written on flush).
    `open_only`: only while the thread is neither locked nor hidden; False when it was not."""
    values["version"] = Thread.version + 1
    columns = [getattr(Thread, name) for name in values]
    statement = update(Thread).where(Thread.id == thread.id)
    if open_only:
        statement = statement.where(Thread.locked == false(), Thread.hidden == false())
    row = db.session.execute(statement.values(**values).returning(*columns)
                             .execution_options(synchronize_session=False)).one_or_none()
    if row is None:
        return False
    for name, value in zip(values, row, strict=True):
        set_committed_value(thread, name, value)
    return True


def touch(thread: Thread) -> None:
    """Thread.version + 1: the thread page, its API and the live poll see a change."""
    _update_thread(thread)


def _replies_shown(thread_id: int):
    return (select(func.count(Post.id))
            .where(Post.thread_id == thread_id, Post.number > 1, Post.deleted_at.is_(None), Post.visible())
            .scalar_subquery())


def recount(thread: Thread) -> None:
    """replies_count from the posts (after a delete, a hide or an unhide), and version + 1."""
    db.session.flush()
    _update_thread(thread, replies_count=_replies_shown(thread.id))


# ---- idempotency ------------------------------------------------------------------------------

class KeyReused(DomainError):
    """The client sent a key it had used for something else (another thread)."""

    status, code = 409, "idempotency_key_reused"


def _earlier_post(author, client_key: str | None) -> Post | None:
    if client_key is None:
        return None
    return db.session.scalar(select(Post).where(Post.author_id == author.id, Post.client_key == client_key))


def _send_created(post: Post, thread: Thread, new_thread: bool) -> None:
    post_created.send(current_app._get_current_object(), post=post, thread=thread, new_thread=new_thread)


# ---- writing ----------------------------------------------------------------------------------

def create_thread(author, place, title, body, *, kind: str = "discussion",
                  client_key: str | None = None) -> tuple[Thread, bool]:
    """A new thread of `place` (a course, a unit of it, or a class) with its first post.

    Returns (thread, True), or (the earlier thread, False) when the author already posted
    with this client key. The caller checked `discussion.post` of the place."""
    title, body, kind = clean_title(title), clean_body(body), clean_kind(kind)
    client_key = clean_client_key(client_key)
    earlier = _earlier_thread(author, client_key, place)
    if earlier is None:
        refuse_read_only(place)
    if earlier is not None:
        return earlier, False
    now = utcnow()
    thread = Thread(course_id=place.course_id, unit_id=place.unit_id, class_id=place.class_id,
                    author_id=author.id, kind=kind, title=title, highest_number=1, replies_count=0,
                    version=1, created_at=now, last_posted_at=now, last_poster_id=author.id)
    post = Post(number=1, author_id=author.id, client_key=client_key, created_at=now)
    _render(post, body, title)
    try:
        with savepoint(db.session):
            db.session.add(thread)
            db.session.flush()
            post.thread_id = thread.id
            db.session.add(post)
            db.session.flush()
    except Conflict:
        # The same key won at the same moment in another request: that thread is the answer.
        earlier = _earlier_thread(author, client_key, place)
        if earlier is None:
            raise
        return earlier, False
    _send_created(post, thread, True)
    return thread, True


def _earlier_thread(author, client_key: str | None, place) -> Thread | None:
    """The thread this key created before, when it is the answer to this request: the same
    place, still readable by its author and shown (a replay must not reveal what was hidden
    since, or a class the author has left); anything else is a reused key."""
    post = _earlier_post(author, client_key)
    if post is None:
        return None
    thread = db.session.get(Thread, post.thread_id) if post.number == 1 else None
    if thread is None or place_of(thread) != place or not _still_shown_to(author, thread):
        raise KeyReused(_l("This idempotency key was already used for another post."))
    return thread


def _still_shown_to(user, thread: Thread) -> bool:
    return allowed(user, "discussion.read", thread) and (not thread.hidden or _moderates(user, thread))


def _quoted(thread: Thread, quote_post_id) -> int | None:
    """The id of a shown post of this thread, or 422 naming `quote`."""
    if quote_post_id is None or quote_post_id == "":
        return None
    try:
        quote_id = int(quote_post_id)
    except (TypeError, ValueError):
        quote_id = None
    quoted = db.session.get(Post, quote_id) if quote_id is not None and 0 < quote_id < 2**31 else None
    if quoted is None or quoted.thread_id != thread.id or quoted.deleted_at is not None or quoted.hidden:
        raise FieldError("quote", _l("You can quote only a post of this thread that is shown."))
    return quoted.id


def refuse_closed(thread: Thread) -> None:
    """403 when the thread takes no replies: hidden (`thread_hidden`) or locked (`thread_locked`)."""
    if thread.hidden:
        raise Forbidden(403, "thread_hidden", _l("This thread is hidden: it takes no replies."))
    if thread.locked:
        raise Forbidden(403, "thread_locked", _l("This thread is locked: it takes no new replies."))


def reply(author, thread: Thread, body, *, quote_post_id=None, client_key: str | None = None) -> tuple[Post, bool]:
    """A reply at the end of `thread`. Returns (post, True), or (the earlier post, False) when
    the author already posted with this client key. The caller checked `discussion.post`."""
    client_key = clean_client_key(client_key)
    earlier = _earlier_reply(author, thread, client_key)
    if earlier is not None:
        return earlier, False
    refuse_closed(thread)
    refuse_read_only(thread)
    body = clean_body(body)
    quote_id = _quoted(thread, quote_post_id)
    now = utcnow()
    post = Post(thread_id=thread.id, author_id=author.id, client_key=client_key, quote_post_id=quote_id,
                created_at=now)
    _render(post, body, None)
    try:
        with savepoint(db.session):
            # The number and the counters in one statement: the row lock orders racing replies,
            # and a thread locked or hidden since it was loaded gives no number.
            if not _update_thread(thread, open_only=True, highest_number=Thread.highest_number + 1,
                                  replies_count=Thread.replies_count + 1, last_posted_at=now,
                                  last_poster_id=author.id):
                db.session.refresh(thread)
                refuse_closed(thread)
            post.number = thread.highest_number
            db.session.add(post)
            db.session.flush()
    except Conflict:
        db.session.expire(thread)   # the savepoint undid the UPDATE: reload on next use
        earlier = _earlier_reply(author, thread, client_key)
        if earlier is None:
            raise
        return earlier, False
    _send_created(post, thread, False)
    return post, True


def _earlier_reply(author, thread: Thread, client_key: str | None) -> Post | None:
    post = _earlier_post(author, client_key)
    if post is not None and (post.thread_id != thread.id or post.number == 1):
        raise KeyReused(_l("This idempotency key was already used for another post."))
    if post is not None and not _still_shown_to(author, thread):
        refuse_closed(thread)  # hidden since: say so rather than return its post
    return post


def edit_post(editor, post: Post, thread: Thread, body, *, title=None) -> Post:
    """Change a post's text (and, on post 1, the thread's title), keeping the text before as
    a revision. An edit that changes nothing writes nothing."""
    if post.deleted_at is not None:
        raise DomainError(409, "post_deleted", _l("This post was removed: it cannot be edited."))
    refuse_read_only(thread)
    if not may_edit(editor, post, thread):
        if _is_author(editor, post) and not post.hidden and not thread.locked and not _within_window(post):
            raise Forbidden(403, "edit_window_passed",
                            _l("Posts can be edited for %(minutes)d minutes after posting.",
                               minutes=EDIT_WINDOW.seconds // 60))
        raise Forbidden(_l("You may not edit this post."))
    body = clean_body(body)
    if title is not None and post.number != 1:
        raise FieldError("title", _l("Only the first post of a thread has a title."))
    new_title = clean_title(title) if title is not None else thread.title
    if body == post.body and new_title == thread.title:
        return post
    next_number = (db.session.scalar(select(func.max(PostRevision.number))
                                     .where(PostRevision.post_id == post.id)) or 0) + 1
    revision = PostRevision(post_id=post.id, number=next_number, body=post.body, editor_id=editor.id,
                            title=thread.title if post.number == 1 else None, created_at=utcnow())
    with savepoint(db.session, DomainError(409, "edit_conflict",
                                           _l("Someone else edited this post at the same moment. "
                                              "Reload it and try again."))):
        db.session.add(revision)
        db.session.flush()
    _render(post, body, new_title if post.number == 1 else None)
    post.edited_at = utcnow()
    db.session.flush()
    if not _is_author(editor, post):  # a moderator's edit of someone's post is moderation
        audit(editor, "discussion.post_edit", post, thread_id=thread.id, revision=next_number)
    if new_title != thread.title:
        _update_thread(thread, title=new_title)
    else:
        touch(thread)
    return post


def delete_post(actor, post: Post, thread: Thread) -> None:
    """Soft delete: the post keeps its number and place ("post removed"); an accepted answer
    stops being one. Deleting a removed post again changes nothing (for its author or a
    moderator; anyone else is refused as before)."""
    if post.deleted_at is not None:
        if _is_author(actor, post) or _moderates(actor, thread):
            return
        raise Forbidden(_l("You may not delete this post."))
    if not may_delete(actor, post, thread):
        raise Forbidden(_l("You may not delete this post."))
    post.deleted_at, post.deleted_by_id, post.accepted = utcnow(), actor.id, False
    if not _is_author(actor, post):  # a moderator removing someone's post is moderation
        audit(actor, "discussion.post_delete", post, thread_id=thread.id)
    recount(thread)


def accept_post(actor, post: Post, thread: Thread) -> None:
    """Mark a reply as the question's accepted answer (moving the mark from another reply)."""
    if thread.kind != "question":
        raise DomainError(409, "not_a_question", _l("Only a question thread has an accepted answer."))
    if post.number <= 1 or post.deleted_at is not None or post.hidden:
        raise DomainError(409, "not_acceptable", _l("Only a reply that is shown can be the accepted answer."))
    if not may_accept(actor, post, thread):
        raise Forbidden(_l("Only the thread's author or a moderator may accept an answer."))
    if post.accepted:
        return
    with savepoint(db.session, DomainError(409, "accept_conflict",
                                           _l("Another answer was accepted at the same moment. Reload."))):
        db.session.execute(update(Post).where(Post.thread_id == thread.id, Post.accepted == true(), Post.id != post.id)
                           .values(accepted=False).execution_options(synchronize_session="evaluate"))
        post.accepted = True
        db.session.flush()
    touch(thread)


def unaccept_post(actor, post: Post, thread: Thread) -> None:
    """Take the accepted mark off a reply (nothing to do when it has none)."""
    if thread.kind != "question" or not (thread.author_id == getattr(actor, "id", None)
                                         or _moderates(actor, thread)):
        raise Forbidden(_l("Only the thread's author or a moderator may accept an answer."))
    if not post.accepted:
        return
    post.accepted = False
    db.session.flush()
    touch(thread)
