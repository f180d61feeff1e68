"""Moderating threads and posts: pin, lock, hide, move, and members' reports of posts.

Every change is audited (core.audit, "discussion.<verb>", with the reason when one is given)
and bumps the thread's version (posting.services.touch: the ETag of the page, the API and the
live poll). A call that changes nothing (pinning a pinned thread) writes nothing. Callers
authorize first (loaders with `discussion.moderate`; any reader may report) and commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from ...auth.models import User
from ...classes.models import STAFF_ROLES, Membership
from ...core.audit import audit
from ...core.database import savepoint
from ...core.errors import DomainError, FieldError, Forbidden
from ...core.notifications import notify, site_path
from ...core.pagination import Key
from ...core.permissions import allowed, has_role
from ...core.types import utcnow
from ...courses.index import content_index
from ...courses.services import visible_courses
from ...extensions import db
from ..models import REASON_MAX, Post, PostReport, Thread
from ..policies import MODERATOR_ROLES
from ..posting.services import recount, touch

RESOLUTIONS = ("hidden", "dismissed")
UNSET = object()  # move: "unit" not given (None moves the thread to the course itself)


class AlreadyReported(DomainError):
    status, code = 409, "already_reported"

    def __init__(self):
        super().__init__(_l("You have already reported this post."))


def clean_reason(value, *, required: bool) -> str | None:
    """A moderator's or reporter's reason: 1..500 characters when required, else optional."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        if required:
            raise FieldError("reason", _l("Give the reason."))
        return None
    if len(text) > REASON_MAX:
        raise FieldError("reason", _l("The reason is at most %(n)d characters.", n=REASON_MAX))
    return text


def _changed(moderator, action: str, target, thread: Thread, *, counted: bool = False, **data) -> None:
    """Audit the change and bump the thread's version (`counted`: recount bumped it already)."""
    audit(moderator, action, target, thread=thread.id, **{k: v for k, v in data.items() if v is not None})
    if not counted:
        touch(thread)


# ---- threads ---------------------------------------------------------------------------------------

def set_pinned(moderator, thread: Thread, pinned: bool, reason=None) -> bool:
    """Pin or unpin; True when it changed."""
    reason = clean_reason(reason, required=False)
    if thread.pinned == pinned:
        return False
    thread.pinned = pinned
    _changed(moderator, "discussion.pin" if pinned else "discussion.unpin", thread, thread, reason=reason)
    return True


def set_locked(moderator, thread: Thread, locked: bool, reason=None) -> bool:
    """Lock (no new replies) or unlock; True when it changed."""
    reason = clean_reason(reason, required=False)
    if thread.locked == locked:
        return False
    thread.locked = locked
    _changed(moderator, "discussion.lock" if locked else "discussion.unlock", thread, thread, reason=reason)
    return True


def set_thread_hidden(moderator, thread: Thread, hidden: bool, reason=None) -> bool:
    """Hide (a reason is required: 422) or unhide the whole thread; True when it changed."""
    reason = clean_reason(reason, required=hidden)
    if thread.hidden == hidden:
        return False
    if hidden:
        thread.hide(moderator, reason)
    else:
        thread.unhide()
    _changed(moderator, "discussion.hide" if hidden else "discussion.unhide", thread, thread, reason=reason)
    return True


def movable_units(thread: Thread) -> list:
    """The units a course thread may move to (its course's, in order); none for a class thread."""
    return list(content_index().units.get(thread.course_id, [])) if thread.course_id is not None else []


def move_thread(moderator, thread: Thread, unit_slug: str | None, reason=None) -> bool:
    """Move a course thread to another unit of its course, or to none (`unit_slug` None or "").
    A class thread has no units: 409 `class_thread`. An unknown unit: 422 on `unit`."""
    reason = clean_reason(reason, required=False)
    if thread.class_id is not None:
        raise DomainError(409, "class_thread", _l("A class's thread stays in its class: it cannot be moved."))
    unit_id = None
    if unit_slug:
        unit = next((u for u in movable_units(thread) if u.slug == unit_slug), None)
        if unit is None:
            raise FieldError("unit", _l("This course has no unit '%(unit)s'.", unit=unit_slug))
        unit_id = unit.id
    if thread.unit_id == unit_id:
        return False
    before, thread.unit_id = thread.unit_id, unit_id
    _changed(moderator, "discussion.move", thread, thread, reason=reason, unit_from=before, unit_to=unit_id)
    return True


def update_thread(moderator, thread: Thread, *, pinned=None, locked=None, hidden=None, unit=UNSET,
                  reason=None) -> bool:
    """The API's PATCH: each given field in turn (all checked before any is changed)."""
    clean_reason(reason, required=bool(hidden) and not thread.hidden)
    if unit is not UNSET and unit is not None and thread.class_id is None:
        if not any(u.slug == unit for u in movable_units(thread)):
            raise FieldError("unit", _l("This course has no unit '%(unit)s'.", unit=unit))
    changed = False
    if unit is not UNSET:
        changed |= move_thread(moderator, thread, unit, reason)
    if pinned is not None:
        changed |= set_pinned(moderator, thread, pinned, reason)
    if locked is not None:
        changed |= set_locked(moderator, thread, locked, reason)
    if hidden is not None:
        changed |= set_thread_hidden(moderator, thread, hidden, reason)
    return changed


# ---- posts -----------------------------------------------------------------------------------------

def set_post_hidden(moderator, post: Post, thread: Thread, hidden: bool, reason=None) -> bool:
    """Hide a post (reason required) or show it again; the thread's reply count follows."""
    reason = clean_reason(reason, required=hidden)
    if post.hidden == hidden:
        return False
    if hidden:
        post.hide(moderator, reason)
        post.accepted = False  # a hidden post answers nothing (as a removed one); unhiding does not restore it
    else:
        post.unhide()
    recount(thread)  # replies_count and version, in one UPDATE
    _changed(moderator, "discussion.post_hide" if hidden else "discussion.post_unhide", post, thread,
             counted=True, reason=reason, number=post.number)
    return True


# ---- reports ---------------------------------------------------------------------------------------

def moderators_of(thread) -> list[int]:
    """Who is told of a report: a class thread's class staff (head teacher, graders); a course
    thread's global instructors and staff. Active accounts only; one query."""
    if thread.class_id is not None:
        query = (select(User.id).join(Membership, Membership.user_id == User.id)
                 .where(Membership.class_id == thread.class_id, Membership.role.in_(STAFF_ROLES)))
        return list(db.session.scalars(query.where(User.active.is_(True)).order_by(User.id)))
    # A course's moderators by role, kept only if they may moderate it now: a draft course's
    # threads are not shown to a role that may not see drafts, nor may its reports be.
    candidates = db.session.scalars(select(User).where(User.role.in_(MODERATOR_ROLES), User.active.is_(True))
                                    .order_by(User.id))
    return [user.id for user in candidates if allowed(user, "discussion.moderate", thread)]


def report_post(reporter, post: Post, thread: Thread, reason) -> PostReport:
    """A reader reports a post to the thread's moderators (notified, kind "report"). One report
    per member and post (409 `already_reported`), never one's own post (422 `own_post`), nor a
    removed or hidden one (409 `post_deleted` / `post_hidden`)."""
    reason = clean_reason(reason, required=True)
    if post.author_id is not None and post.author_id == reporter.id:
        raise DomainError(422, "own_post", _l("You cannot report your own post."))
    if post.deleted_at is not None:
        raise DomainError(409, "post_deleted", _l("This post was removed."))
    if post.hidden:
        raise DomainError(409, "post_hidden", _l("A moderator has already hidden this post."))
    report = PostReport(post_id=post.id, reporter_id=reporter.id, reason=reason, created_at=utcnow())
    with savepoint(db.session, AlreadyReported()):  # the unique (post, reporter): a double click too
        db.session.add(report)
        db.session.flush()
    notify(moderators_of(thread), "report",
           _l("%(name)s reported post #%(number)d in “%(title)s”", name=reporter.display_name,
              number=post.number, title=thread.title),
           site_path("moderation.reports") + f"#reported-{post.id}")
    return report


def resolve_report(moderator, report: PostReport, post: Post, thread: Thread, resolution: str) -> list[int]:
    """Close the post's open reports (the queue shows them together): "hidden" hides the post
    (its reporters' reasons as the reason), "dismissed" leaves it. 409 `report_resolved` when
    this report is closed already. Returns the ids of the reports closed."""
    if resolution not in RESOLUTIONS:
        raise FieldError("resolution", _l("Choose hide or dismiss."))
    if report.resolved_at is not None:
        raise DomainError(409, "report_resolved", _l("This report was already dealt with."))
    now = utcnow()
    open_reports = list(db.session.scalars(select(PostReport).where(
        PostReport.post_id == post.id, PostReport.resolved_at.is_(None)).order_by(PostReport.id)))
    for each in open_reports:
        each.resolved_at, each.resolved_by_id, each.resolution = now, moderator.id, resolution
    ids = [each.id for each in open_reports]
    if resolution == "hidden" and not post.hidden:
        reasons = "; ".join(dict.fromkeys(each.reason for each in open_reports))  # the reporters' words
        set_post_hidden(moderator, post, thread, True, reasons[:REASON_MAX])
    audit(moderator, "discussion.report_resolve", post, thread=thread.id, reports=ids, resolution=resolution)
    db.session.flush()
    return ids


# ---- the queue -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportRow:
    id: int
    reason: str
    created_at: datetime
    reporter_name: str
    post_id: int
    post_number: int
    post_body_html: str
    post_author_name: str | None
    thread_id: int
    thread_title: str


def require_queue(viewer) -> None:
    """The queue is for accounts that may moderate (instructors, staff, admins: the only ones
    a class may make its staff); a member's is 403, not an empty list."""
    if not has_role(viewer, *MODERATOR_ROLES):
        raise Forbidden(_l("Only moderators have a queue of reported posts."))


def _moderated_threads(viewer):
    """The WHERE clause of the threads `viewer` moderates (policies.may_moderate, as SQL)."""
    if has_role(viewer):  # admins: every thread
        return Thread.id.isnot(None)
    staff_classes = select(Membership.class_id).where(Membership.user_id == viewer.id,
                                                      Membership.role.in_(STAFF_ROLES))
    clauses = [Thread.class_id.in_(staff_classes)]
    if has_role(viewer, *MODERATOR_ROLES):
        visible = [c.id for c in visible_courses(viewer)]  # drafts only for who may see them
        clauses.append(Thread.course_id.in_(visible))
    return or_(*clauses)


# The queue's order: grouped by post (oldest post first), each post's reports in turn.
QUEUE_ORDER = (Key(Post.id), Key(PostReport.id))


def open_reports_query(viewer):
    """Open reports of the threads `viewer` moderates, as ReportRow columns (page it by
    QUEUE_ORDER)."""
    reporter, author = db.aliased(User), db.aliased(User)
    return (select(PostReport.id, PostReport.reason, PostReport.created_at,
                   reporter.display_name.label("reporter_name"), Post.id.label("post_id"),
                   Post.number.label("post_number"), Post.body_html.label("post_body_html"),
                   author.display_name.label("post_author_name"), Thread.id.label("thread_id"),
                   Thread.title.label("thread_title"))
            .join(Post, Post.id == PostReport.post_id).join(Thread, Thread.id == Post.thread_id)
            .join(reporter, reporter.id == PostReport.reporter_id)
            .outerjoin(author, author.id == Post.author_id)
            .where(PostReport.resolved_at.is_(None), _moderated_threads(viewer)))


def open_reports_count(viewer) -> int:
    inner = open_reports_query(viewer).with_only_columns(PostReport.id).subquery()
    return db.session.scalar(select(func.count()).select_from(inner)) or 0


def report_rows(page_items) -> list[ReportRow]:
    return [ReportRow(**row._asdict()) for row in page_items]

