"""/api/v1 discussions: threads and posts (API.md, Discussions). The same loaders, services
(discussions.posting) and read queries (discussions.queries) as the pages.

- Lists: GET /courses/{course}/threads (?unit=), GET /classes/{id}/threads, keyset pages.
- A thread: GET /threads/{id}, its posts paged by number (`?after=` or the `next` cursor);
  its ETag is the thread's version for this caller, so an unchanged thread is a 304.
- Writing: POST .../threads, POST /threads/{id}/posts, PATCH /posts/{id} are rate limited per
  member (429 with Retry-After) and idempotent by key (the `Idempotency-Key` header or the
  `client_key` field): a repeat answers 200 with what the first call made.
"""
from __future__ import annotations

import hashlib
from typing import Annotated, Literal, Optional

from flask import after_this_request, request
from flask_babel import get_locale, lazy_gettext as _l
from flask_login import current_user
from markupsafe import escape
from pydantic import Field

from ..core.errors import FieldError, NotFound
from ..core.notifications import site_path
from ..core.pagination import page_request
from ..core.permissions import allowed
from ..courses.index import content_index
from ..discussions.loaders import class_place, course_place, load_post, load_thread, read_thread
from ..discussions.models import BODY_MAX, CLIENT_KEY_MAX, KINDS, TITLE_MAX
from ..discussions.posting import services as posting
from ..discussions.posting.limits import limit_posting
from ..discussions.queries import PostRow, post_number, post_rows, thread_author, thread_list
from ..discussions.reading.boxes import UrlPattern
from ..extensions import db
from . import bp
from .schema import ApiDateTime, Body, Out, Page, PageQuery, Query, declare, text

TAGS = ("discussions",)
MODERATE = "discussion.moderate"
POSTS_PAGE, POSTS_MAX = 20, 100
IDEMPOTENCY_HEADER = "Idempotency-Key"
_BODY_NOTE = ("Markdown, at most 20,000 characters; over the renderer's bounds (nesting, length, time) "
              "is 422 `invalid_field`")
_KEY_NOTE = (f"an idempotency key (at most {CLIENT_KEY_MAX} characters, or the `Idempotency-Key` header): "
             "the same caller and key post once; a repeat answers 200 with the first result")

# ---- schemas -----------------------------------------------------------------------------------


class UnitQuery(PageQuery):
    unit: Optional[Annotated[str, Field(max_length=200)]] = Field(None, description="only that unit's threads (its slug)")


class NewThread(Body):
    title: text(TITLE_MAX)
    body: text(BODY_MAX) = Field(description=_BODY_NOTE)
    kind: Literal[KINDS] = "discussion"
    client_key: Optional[Annotated[str, Field(min_length=1, max_length=CLIENT_KEY_MAX)]] = Field(
        None, description=_KEY_NOTE)


class NewCourseThread(NewThread):
    unit: Optional[Annotated[str, Field(max_length=200)]] = Field(None, description="a unit of the course (its slug)")


class NewPost(Body):
    body: text(BODY_MAX) = Field(description=_BODY_NOTE)
    quote: Optional[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(
        None, description="the id of a post of this thread that is shown (not removed or hidden)")
    client_key: Optional[Annotated[str, Field(min_length=1, max_length=CLIENT_KEY_MAX)]] = Field(
        None, description=_KEY_NOTE)


class PostChange(Body):
    body: text(BODY_MAX) = Field(description=_BODY_NOTE)
    title: Optional[text(TITLE_MAX)] = Field(None, description="the thread's new title (post 1 only)")


class PostsQuery(Query):
    after: Optional[Annotated[int, Field(ge=0, le=2**31 - 1)]] = Field(
        None, description="posts after this number (0: from the first)")
    cursor: Optional[Annotated[str, Field(max_length=12)]] = Field(None, description="the `next` of the page before")
    limit: Optional[Annotated[int, Field(ge=1, le=POSTS_MAX)]] = Field(None, description="posts per page (default 20)")


class Author(Out):
    username: str
    display_name: str


class ThreadItem(Out):
    """Thread in a list"""

    id: int
    title: str
    kind: Literal[KINDS]
    author: Optional[Author] = Field(description="null once the author's account is gone")
    replies_count: int
    last_activity_at: ApiDateTime
    pinned: bool
    locked: bool
    hidden: bool = Field(description="only moderators see hidden threads in a list")
    answered: bool = Field(description="a question with an accepted answer")
    unread: bool = Field(description="never opened by the caller, or posts since their last read")
    new_posts: int = Field(description="posts after the caller's last read one (0 if never opened)")
    unit: Optional[str] = Field(description="the unit's slug, or null")
    url: str


class Quote(Out):
    id: int
    number: int
    author: Optional[str] = Field(description="the quoted post's author's display name")
    excerpt: str = Field(description="plain text; empty when the quoted post was removed or hidden")


class PostOut(Out):
    """Post"""

    id: int
    number: int = Field(description="1 is the thread's first post")
    author: Optional[Author]
    body_html: str = Field(description="rendered and sanitised; empty when removed (or hidden, but to moderators)")
    created_at: ApiDateTime
    edited_at: Optional[ApiDateTime]
    accepted: bool
    deleted: bool
    hidden: bool
    quote: Optional[Quote]
    url: str


class ThreadOut(Out):
    """Thread"""

    id: int
    title: str
    title_html: str = Field(description="the title, escaped")
    kind: Literal[KINDS]
    author: Optional[Author]
    course: Optional[str] = Field(description="the course's slug (null for a class's thread)")
    unit: Optional[str]
    class_id: Optional[int]
    pinned: bool
    locked: bool
    hidden: bool
    replies_count: int
    highest_number: int = Field(description="the number of the last post")
    created_at: ApiDateTime
    last_activity_at: ApiDateTime
    version: int = Field(description="changes with every change of the thread or its posts")
    url: str
    posts: list[PostOut] = Field(description="a page of posts by number")
    next: Optional[str] = Field(description="the cursor of the next page of posts; null on the last")


# ---- presenting --------------------------------------------------------------------------------

def _author(username, name) -> dict | None:
    return {"username": username, "display_name": name} if username else None


def _unit_slug(course_id, unit_id) -> str | None:
    if course_id is None or unit_id is None:
        return None
    return next((u.slug for u in content_index().units.get(course_id, []) if u.id == unit_id), None)


def thread_item(row) -> dict:
    return {"id": row.id, "title": row.title, "kind": row.kind,
            "author": _author(row.author_username, row.author_name), "replies_count": row.replies_count,
            "last_activity_at": row.last_posted_at, "pinned": row.pinned, "locked": row.locked,
            "hidden": row.hidden, "answered": row.answered, "unread": row.unread, "new_posts": row.new_posts,
            "unit": _unit_slug(row.course_id, row.unit_id), "url": row.url}


def post_out(row: PostRow, moderator: bool, post_url=None) -> dict:
    """`post_url`: a UrlPattern of the posts' links when a page has many (site_path once)."""
    quote = row.quote
    shown = not row.deleted and (moderator or not row.hidden)  # as the page: no text, no author
    return {"id": row.id, "number": row.number,
            "author": _author(row.author_username, row.author_name) if shown else None,
            "body_html": row.body_html if shown else "", "created_at": row.created_at,
            "edited_at": row.edited_at, "accepted": row.accepted, "deleted": row.deleted, "hidden": row.hidden,
            "quote": None if quote is None else {"id": quote.id, "number": quote.number,
                                                 "author": quote.author_name if quote.available else None,
                                                 "excerpt": quote.excerpt},
            "url": post_url(row.id) if post_url else site_path("discussions.goto_post", post_id=row.id)}


def thread_out(thread, rows: list[PostRow], more: bool, moderator: bool) -> dict:
    course = content_index().course_by_id(thread.course_id) if thread.course_id is not None else None
    author = thread_author(thread)
    post_url = UrlPattern("discussions.goto_post", ("post_id",), build=site_path)
    return {"id": thread.id, "title": thread.title, "title_html": str(escape(thread.title)), "kind": thread.kind,
            "author": _author(*author) if author else None,
            "course": course.slug if course else None, "unit": _unit_slug(thread.course_id, thread.unit_id),
            "class_id": thread.class_id, "pinned": thread.pinned, "locked": thread.locked, "hidden": thread.hidden,
            "replies_count": thread.replies_count, "highest_number": thread.highest_number,
            "created_at": thread.created_at, "last_activity_at": thread.last_posted_at, "version": thread.version,
            "url": site_path("discussions.thread", thread_id=thread.id),
            "posts": [post_out(row, moderator, post_url) for row in rows],
            "next": str(rows[-1].number) if more and rows else None}


def _post_answer(post, thread) -> dict:
    """A post as the API shows it, read back through the page's query (one statement)."""
    row = post_rows(thread, after=post.number - 1, limit=1)[0]
    return post_out(row, allowed(current_user, MODERATE, thread))


def _first_page(thread) -> dict:
    rows = post_rows(thread, limit=POSTS_PAGE + 1)
    return thread_out(thread, rows[:POSTS_PAGE], len(rows) > POSTS_PAGE, allowed(current_user, MODERATE, thread))


# ---- requests ----------------------------------------------------------------------------------

def client_key(field_value: str | None) -> str | None:
    """The idempotency key: the header or the body's `client_key` (the same if both are sent)."""
    header = request.headers.get(IDEMPOTENCY_HEADER) or None
    if header is not None and field_value is not None and header != field_value:
        raise FieldError("client_key", _l("'client_key' and the Idempotency-Key header differ."))
    return posting.clean_client_key(header if header is not None else field_value)


def _created(answer: dict, created: bool):
    return answer, 201 if created else 200


def _thread_page(place, query):
    moderator = allowed(current_user, MODERATE, place)
    page = thread_list(current_user, place, include_hidden=moderator, **page_request())
    return page.as_dict(thread_item)


def _new_thread(place, body: NewThread):
    thread, created = posting.create_thread(current_user, place, body.title, body.body, kind=body.kind,
                                            client_key=client_key(body.client_key))
    db.session.commit()
    return _created(_first_page(thread), created)


def _etag(thread, moderator: bool) -> str:
    key = (f"{thread.id}|{thread.version}|{current_user.id}|{int(moderator)}|{get_locale()}|"
           f"{request.query_string.decode()}")
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _tagged(etag: str, answer):
    @after_this_request
    def conditional(response):
        response.set_etag(etag)
        response.headers["Cache-Control"] = "private, no-cache"
        response.vary.add("Cookie")
        response.vary.add("Authorization")
        return response

    return answer


# ---- routes ------------------------------------------------------------------------------------

@bp.get("/courses/<course_slug>/threads")
@declare("A course's threads (`?unit=`: one unit's), pinned first, then by last activity; `unread` is the "
         "caller's", query=UnitQuery, responses={200: Page[ThreadItem]}, errors=(400, 404), tags=TAGS)
def list_course_threads(course_slug: str, query: UnitQuery):
    return _thread_page(course_place(course_slug, query.unit), query)


@bp.post("/courses/<course_slug>/threads")
@limit_posting
@declare("Start a thread on a course or one of its units (`unit`); 201, or 200 with the thread an earlier "
         "call with the same idempotency key made; 429 with Retry-After when posting too fast",
         body=NewCourseThread, responses={200: ThreadOut, 201: ThreadOut}, errors=(403, 404, 409, 429), tags=TAGS)
def create_course_thread(course_slug: str, body: NewCourseThread):
    place = course_place(course_slug, None, "discussion.post")
    if body.unit:
        try:
            place = course_place(course_slug, body.unit, "discussion.post")
        except NotFound:
            raise FieldError("unit", _l("No unit '%(unit)s' in this course.", unit=body.unit)) from None
    return _new_thread(place, body)


@bp.get("/classes/<int:class_id>/threads")
@declare("A class's threads (its members and staff only), pinned first, then by last activity",
         query=PageQuery, responses={200: Page[ThreadItem]}, errors=(400, 404), tags=TAGS)
def list_class_threads(class_id: int, query: PageQuery):
    return _thread_page(class_place(class_id), query)


@bp.post("/classes/<int:class_id>/threads")
@limit_posting
@declare("Start a thread in a class (its members and staff); 201, or 200 for a repeated idempotency key; "
         "429 with Retry-After when posting too fast",
         body=NewThread, responses={200: ThreadOut, 201: ThreadOut}, errors=(403, 404, 409, 429), tags=TAGS)
def create_class_thread(class_id: int, body: NewThread):
    return _new_thread(class_place(class_id, "discussion.post"), body)


@bp.get("/threads/<int:thread_id>")
@declare("A thread with a page of its posts by number (`?after=` a number, or the `next` cursor); answers "
         "If-None-Match with 304 while the thread is unchanged", query=PostsQuery,
         responses={200: ThreadOut, 304: None}, errors=(400, 404), tags=TAGS)
def get_thread(thread_id: int, query: PostsQuery):
    thread = read_thread(thread_id)
    after = query.after or 0
    if query.cursor is not None:
        after = post_number(query.cursor)
        if after is None:
            raise FieldError("cursor", _l("'cursor' is not a cursor this API gave."))
    moderator = allowed(current_user, MODERATE, thread)
    etag = _etag(thread, moderator)
    if request.if_none_match.contains(etag):
        return _tagged(etag, (None, 304))
    limit = query.limit or POSTS_PAGE
    rows = post_rows(thread, after=after, limit=limit + 1)
    return _tagged(etag, thread_out(thread, rows[:limit], len(rows) > limit, moderator))


@bp.post("/threads/<int:thread_id>/posts")
@limit_posting
@declare("Reply to a thread (`quote`: a post of it); 201, or 200 with the post an earlier call with the same "
         "idempotency key made; 403 `thread_locked` / `thread_hidden`; 429 with Retry-After when posting too "
         "fast", body=NewPost, responses={200: PostOut, 201: PostOut}, errors=(403, 404, 409, 429), tags=TAGS)
def create_post(thread_id: int, body: NewPost):
    thread = load_thread(thread_id, "discussion.post")
    post, created = posting.reply(current_user, thread, body.body, quote_post_id=body.quote,
                                  client_key=client_key(body.client_key))
    db.session.commit()
    return _created(_post_answer(post, thread), created)


@bp.patch("/posts/<int:post_id>")
@limit_posting
@declare("Edit a post (its author within 30 minutes: 403 `edit_window_passed` after; moderators always); "
         "`title` on post 1 renames the thread; 409 `post_deleted`",
         body=PostChange, responses={200: PostOut}, errors=(403, 404, 409, 429), tags=TAGS)
def edit_post(post_id: int, body: PostChange):
    post, thread = load_post(post_id)
    posting.edit_post(current_user, post, thread, body.body, title=body.title)
    db.session.commit()
    return _post_answer(post, thread)


@bp.delete("/posts/<int:post_id>")
@declare("Remove a post (its author or a moderator): it stays in the thread as removed; again changes nothing",
         responses={200: PostOut}, errors=(403, 404), tags=TAGS)
def delete_post(post_id: int):
    post, thread = load_post(post_id)
    posting.delete_post(current_user, post, thread)
    db.session.commit()
    return _post_answer(post, thread)


@bp.post("/posts/<int:post_id>/accept")
@declare("Mark a reply as the question's accepted answer (the thread's author or a moderator); the mark "
         "moves from any other reply; 409 `not_a_question` / `not_acceptable`",
         responses={200: PostOut}, errors=(403, 404, 409), tags=TAGS)
def accept_post(post_id: int):
    post, thread = load_post(post_id)
    posting.accept_post(current_user, post, thread)
    db.session.commit()
    return _post_answer(post, thread)


@bp.delete("/posts/<int:post_id>/accept")
@declare("Take the accepted mark off a reply (the thread's author or a moderator)",
         responses={200: PostOut}, errors=(403, 404), tags=TAGS)
def unaccept_post(post_id: int):
    post, thread = load_post(post_id)
    posting.unaccept_post(current_user, post, thread)
    db.session.commit()
    return _post_answer(post, thread)
