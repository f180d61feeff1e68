"""What the home page shows of the party school: per class, what needs doing.

A member sees, per class: the unread announcements (count and newest titles), today's
sessions (in the user's time zone) and how many scheduled exams are open now. Staff see
the classes they run (head teacher or grader) with the member count and how many
announcement receipts are still missing. Admins see the classes they have a role in, like
everyone else (the class list shows them all). Someone who may create a class and runs none
is told what a class is and offered to create one (members in no class see nothing).

A fixed number of queries whatever the number of classes, members and announcements:
the classes, then one grouped query per kind of thing (see `home_summary`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from flask import render_template
from flask_babel import get_timezone
from sqlalchemy import and_, func, select

from ..core.permissions import allowed
from ..core.types import utcnow
from ..extensions import db
from .announcements.models import Announcement, AnnouncementRead
from .attendance.models import ClassSession
from .exams.services import member_exams
from .models import STAFF_ROLES, Membership, SchoolClass

NEWEST_TITLES = 3


@dataclass
class UnreadTitle:
    id: int
    title: str


@dataclass
class HomeClass:
    school_class: SchoolClass
    role: str
    unread_count: int = 0                       # members: announcements they have not opened
    newest_unread: list[UnreadTitle] = field(default_factory=list)
    sessions_today: list[ClassSession] = field(default_factory=list)
    open_exams: int = 0                         # members: exams open to them now (exams.member_exams)
    members_count: int = 0                      # staff
    missing_receipts: int = 0                   # staff: (member, announcement) pairs not read yet

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


@dataclass
class HomeSummary:
    member_of: list[HomeClass]
    staff_of: list[HomeClass]
    may_create: bool = False                    # may create a class (global staff role)

    @property
    def invite_to_create(self) -> bool:
        """Staff who run no class yet: show what a class is and the way to create one."""
        return self.may_create and not self.staff_of

    @property
    def empty(self) -> bool:
        return not self.member_of and not self.staff_of and not self.invite_to_create


def today_bounds(now: datetime, tz: tzinfo) -> tuple[datetime, datetime]:
    """The start of today and of tomorrow in `tz`, as aware datetimes."""
    today = now.astimezone(tz).date()
    return (datetime.combine(today, time.min, tzinfo=tz),
            datetime.combine(today + timedelta(days=1), time.min, tzinfo=tz))


def home_summary(user, tz: tzinfo, now: datetime | None = None) -> HomeSummary:
    """The user's classes (not archived) with what needs doing; at most eight queries."""
    now = now or utcnow()
    rows = db.session.execute(
        select(SchoolClass, Membership.role).join(Membership, Membership.class_id == SchoolClass.id)
        .where(Membership.user_id == user.id, SchoolClass.status != "archived")
        .order_by(SchoolClass.starts_on.desc(), SchoolClass.id.desc())).all()
    entries = [HomeClass(school_class, role) for school_class, role in rows]
    member_ids = [e.school_class.id for e in entries if not e.is_staff]
    staff_ids = [e.school_class.id for e in entries if e.is_staff]
    by_id = {e.school_class.id: e for e in entries}
    if entries:
        for session in _sessions_today(list(by_id), now, tz):
            by_id[session.class_id].sessions_today.append(session)
    if member_ids:
        for class_id, announcement_id, title in _unread(user.id, member_ids):
            entry = by_id[class_id]
            entry.unread_count += 1
            if len(entry.newest_unread) < NEWEST_TITLES:
                entry.newest_unread.append(UnreadTitle(announcement_id, title))
        # The exams' own rules say what is open for this member (override, attempts made):
        # the count agrees with the exams panel, which lists them.
        for item in member_exams(user, now):
            if item.my_status == "open" and item.class_id in by_id and not by_id[item.class_id].is_staff:
                by_id[item.class_id].open_exams += 1
    if staff_ids:
        for class_id, missing, members in _staff_counts(staff_ids):
            by_id[class_id].missing_receipts = missing
            by_id[class_id].members_count = members
    return HomeSummary(member_of=[e for e in entries if not e.is_staff],
                       staff_of=[e for e in entries if e.is_staff],
                       may_create=allowed(user, "class.create"))


def _sessions_today(class_ids: list[int], now: datetime, tz: tzinfo) -> list[ClassSession]:
    start, end = today_bounds(now, tz)
    return db.session.scalars(
        select(ClassSession).where(ClassSession.class_id.in_(class_ids), ClassSession.starts_at >= start,
                                   ClassSession.starts_at < end)
        .order_by(ClassSession.starts_at, ClassSession.id)).all()


def _unread(user_id: int, class_ids: list[int]):
    """(class id, announcement id, title) of the user's unread announcements, newest first."""
    read = select(AnnouncementRead.id).where(AnnouncementRead.announcement_id == Announcement.id,
                                             AnnouncementRead.user_id == user_id)
    return db.session.execute(
        select(Announcement.class_id, Announcement.id, Announcement.title)
        .where(Announcement.class_id.in_(class_ids), ~read.exists())
        .order_by(Announcement.published_at.desc(), Announcement.id.desc())).all()


def _staff_counts(class_ids: list[int]):
    """(class id, missing receipts, members) per class: members × announcements − members' reads.

    Three grouped counts in one statement (scalar subqueries per class row).
    """
    members = (select(func.count()).select_from(Membership)
               .where(Membership.class_id == SchoolClass.id, Membership.role == "member")
               .correlate(SchoolClass).scalar_subquery())
    announcements = (select(func.count()).select_from(Announcement)
                     .where(Announcement.class_id == SchoolClass.id).correlate(SchoolClass).scalar_subquery())
    reads = (select(func.count()).select_from(AnnouncementRead)
             .join(Announcement, Announcement.id == AnnouncementRead.announcement_id)
             .join(Membership, and_(Membership.user_id == AnnouncementRead.user_id,
                                    Membership.class_id == Announcement.class_id))
             .where(Announcement.class_id == SchoolClass.id, Membership.role == "member")
             .correlate(SchoolClass).scalar_subquery())
    rows = db.session.execute(
        select(SchoolClass.id, members, announcements, reads).where(SchoolClass.id.in_(class_ids))).all()
    return [(class_id, member_count * announcement_count - read_count, member_count)
            for class_id, member_count, announcement_count, read_count in rows]


def home_page_panel(user, **_context):
    """The home page's classes with what needs doing; nothing for someone in no class."""
    summary = home_summary(user, ZoneInfo(str(get_timezone())))
    if summary.empty:
        return ""
    return render_template("classes/home_panel.html", summary=summary)
