"""Search posts, for the search page and the API alike: `search(viewer, q)`.

One function, two databases: the query is tokenised in Python as the posts were (tokens.py)
and asked as a phrase of those tokens, of FTS5 (`posts_fts MATCH '"三会" + "会一" + "一课"'`)
on SQLite and of the GIN-indexed `to_tsvector('simple', search_text)` (`'三会' <-> '会一' <->
'一课'`) on PostgreSQL. The tokens are letters and digits only and each is quoted, so nothing
a member types is read as query syntax. A query of one or two characters has no bigram to
look up: it is a substring match (LIKE, escaped) on the posts' text and the threads' titles.

Only what the viewer may read: threads of courses they may see (drafts only for those who
see drafts) and of classes they belong to or run (admins: all), never a hidden thread, a
hidden post or a deleted one — not even for moderators: search finds what readers see.
Results are the newest posts first (by id), one keyset page at a time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import Integer, and_, column, false, func, literal_column, or_, select, text, update
from sqlalchemy.orm import aliased

from ...auth.models import User
from ...classes.models import Membership
from ...core.errors import FieldError
from ...core.notifications import site_path
from ...core.pagination import Key, Page, paginate
from ...core.permissions import has_role
from ...core.text import is_valid_text
from ...courses.services import visible_courses
from ...extensions import db
from ..models import Post, Thread
from ..search_schema import FTS_TABLE
from .tokens import query_pattern, query_terms, search_text, snippet_text

QUERY_MAX = 100  # characters
TERMS_MAX = 32  # tokens of a phrase
SHORT_MAX = 2  # a query this short is a substring match
PAGE_SIZE = 20
SNIPPET_BEFORE, SNIPPET_LENGTH = 40, 160


@dataclass(frozen=True)
class SearchResult:
    thread_id: int
    title: str
    post_id: int
    number: int
    author_username: str | None
    author_name: str | None
    created_at: datetime
    before: str  # the snippet: plain text, the match in `match` (empty: no match in the text)
    match: str
    after: str

    @property
    def url(self) -> str:
        return site_path("discussions.goto_post", post_id=self.post_id)

    @property
    def snippet(self) -> str:
        return self.before + self.match + self.after

    @property
    def snippet_html(self) -> Markup:
        """The snippet escaped, its match in <mark>."""
        marked = Markup("<mark>%s</mark>") % self.match if self.match else Markup("")
        return escape(self.before) + marked + escape(self.after)


def clean_query(q) -> str:
    """The query as searched, or 422 `invalid_field` naming `q`."""
    if not isinstance(q, str) or not is_valid_text(q):
        raise FieldError("q", _l("The search text is not valid text."))
    if len(q) > QUERY_MAX:
        raise FieldError("q", _l("Search for at most %(n)d characters.", n=QUERY_MAX))
    q = q.strip()
    if not q:
        raise FieldError("q", _l("Enter something to search for."))
    return q


def readable_threads(viewer):
    """The WHERE clause of the threads `viewer` may read (the policies' discussion.read)."""
    course_ids = [course.id for course in visible_courses(viewer)]
    in_course = Thread.course_id.in_(course_ids) if course_ids else false()
    if has_role(viewer):  # admins see every class
        in_class = Thread.class_id.is_not(None)
    else:
        in_class = Thread.class_id.in_(select(Membership.class_id).where(Membership.user_id == viewer.id))
    return and_(or_(in_course, in_class), Thread.hidden == false())


def _phrase_match(terms):
    """The posts whose search_text holds the terms in a row, on this session's database."""
    if db.session.get_bind().dialect.name == "postgresql":
        # Tokens are letters and digits: quoting each makes it a lexeme, never an operator.
        query = " <-> ".join(f"'{t.text}'" + (":*" if t.prefix else "") for t in terms)
        vector = func.to_tsvector(literal_column("'simple'"), Post.search_text)
        return vector.op("@@")(func.to_tsquery(literal_column("'simple'"), query))
    query = " + ".join('"' + t.text.replace('"', '""') + '"' + ("*" if t.prefix else "") for t in terms)
    matching = (text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :phrase")
                .bindparams(phrase=query).columns(column("rowid", Integer)))
    return Post.id.in_(matching)


def _substring_match(q: str):
    return or_(Post.body.icontains(q, autoescape=True),
               and_(Post.number == 1, Thread.title.icontains(q, autoescape=True)))


def _snippet(body: str, pattern: re.Pattern | None) -> tuple[str, str, str]:
    plain = snippet_text(body)
    found = pattern.search(plain) if pattern is not None else None
    if found is None:  # matched in the title only
        return plain[:SNIPPET_LENGTH] + ("…" if len(plain) > SNIPPET_LENGTH else ""), "", ""
    start = max(0, found.start() - SNIPPET_BEFORE)
    end = max(found.end(), start + SNIPPET_LENGTH)
    return (("…" if start else "") + plain[start:found.start()], found.group(),
            plain[found.end():end] + ("…" if end < len(plain) else ""))


def search(viewer, q, *, cursor: str | None = None, limit: int = PAGE_SIZE) -> Page:
    """A page of SearchResult: the viewer's readable posts matching `q`, newest first.
    422 `invalid_field` (`q`) for a query that is blank, too long or too many words;
    a query with no letters or digits finds nothing."""
    q = clean_query(q)
    if len(q) <= SHORT_MAX:
        match, pattern = _substring_match(q), re.compile(re.escape(q), re.IGNORECASE)
    else:
        terms = query_terms(q)
        if len(terms) > TERMS_MAX:
            raise FieldError("q", _l("Search for fewer words (at most %(n)d).", n=TERMS_MAX))
        if not terms:
            return Page(items=[], next=None)
        match, pattern = _phrase_match(terms), query_pattern(q)
    author = aliased(User)
    query = (select(Thread.id.label("thread_id"), Thread.title, Post.id.label("post_id"), Post.number,
                    author.username, author.display_name, Post.created_at, Post.body)
             .join(Thread, Thread.id == Post.thread_id)
             .outerjoin(author, author.id == Post.author_id)
             .where(readable_threads(viewer), Post.hidden == false(), Post.deleted_at.is_(None), match))
    page = paginate(query, [Key(Post.id, desc=True)], limit=limit, cursor=cursor)
    page.items = [SearchResult(*row[:7], *_snippet(row.body, pattern)) for row in page.items]
    return page


# ---- reindex (after a change of the tokenizer) ---------------------------------------------------

REINDEX_BATCH = 500


def reindex_batch(after_id: int = 0, size: int = REINDEX_BATCH) -> tuple[int, int, int] | None:
    """Recompute search_text for the next `size` posts after id `after_id` (post 1 with its
    thread's title): one read and one executemany UPDATE of the posts whose tokens changed
    (the FTS5 trigger reindexes those), not committed. Returns (the last post id done, how
    many were read, how many changed), or None when no post was left."""
    rows = db.session.execute(
        select(Post.id, Post.number, Post.body, Post.search_text, Thread.title)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.id > after_id).order_by(Post.id).limit(size)).all()
    if not rows:
        return None
    changed = []
    for row in rows:
        tokens = search_text(row.title if row.number == 1 else None, row.body)
        if tokens != row.search_text:  # an unchanged post keeps its index entry untouched
            changed.append({"id": row.id, "search_text": tokens})
    if changed:  # the ORM's bulk UPDATE by primary key: one executemany
        db.session.execute(update(Post), changed)
    return rows[-1].id, len(rows), len(changed)
