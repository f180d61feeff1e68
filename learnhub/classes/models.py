"""The party school: classes (期次), who is in them, their exams, sessions and notices."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..core.types import TimestampMixin, UTCDateTime, utcnow
from ..extensions import db

CLASS_STATUSES = ("planned", "running", "finished", "archived")
CLASS_ROLES = ("member", "head_teacher", "grader")
STAFF_ROLES = ("head_teacher", "grader")
# 入党申请人, 入党积极分子, 发展对象, 预备党员, 正式党员: the order is the path.
STAGES = ("applicant", "activist", "candidate", "probationary", "full_member")
LOCATIONS = ("on_campus", "away", "graduated")
SESSION_KINDS = ("meeting", "lecture", "party_lesson", "other")
ATTENDANCE_STATUSES = ("present", "late", "excused", "absent")
CHECKIN_METHODS = ("qr", "manual")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class SchoolClass(TimestampMixin, db.Model):
    """A class of the party school, e.g. 2026 秋季入党积极分子培训班."""

    __tablename__ = "classes"
    __table_args__ = (
        CheckConstraint(_in("status", CLASS_STATUSES), name="status_known"),
        CheckConstraint("ends_on >= starts_on", name="term_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True, comment="short unique code, e.g. 2026F-ACT")
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="planned")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    @property
    def read_only(self) -> bool:
        return self.status == "archived"


class ClassCourse(db.Model):
    """A course assigned to a class; `optional_units` lists unit ids that are not required."""

    __tablename__ = "class_courses"
    __table_args__ = (UniqueConstraint("class_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)


class ClassUnitRule(db.Model):
    """A unit of an assigned course marked optional for this class (every other unit is required)."""

    __tablename__ = "class_unit_rules"
    __table_args__ = (UniqueConstraint("class_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    required: Mapped[bool] = mapped_column(default=False)


class Membership(TimestampMixin, db.Model):
    """One person in one class: a member (with their party record) or staff of the class."""

    __tablename__ = "class_memberships"
    __table_args__ = (
        UniqueConstraint("class_id", "user_id"),
        # One student number per class. NULLs never collide, so "no number" is stored as
        # NULL, never "" (student_no_blank below; migration 0007 turned old "" into NULL).
        Index("uq_class_memberships_class_id_student_no", "class_id", "student_no", unique=True),
        CheckConstraint(_in("role", CLASS_ROLES), name="role_known"),
        CheckConstraint("stage IS NULL OR " + _in("stage", STAGES), name="stage_known"),
        CheckConstraint("location IS NULL OR " + _in("location", LOCATIONS), name="location_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="member")
    stage: Mapped[str | None] = mapped_column(String(16))
    stage_date: Mapped[date | None] = mapped_column(Date, comment="when the current stage began")
    student_no: Mapped[str | None] = mapped_column(String(32), index=True)
    department: Mapped[str | None] = mapped_column(String(120), index=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254), comment="contact address from the roster")
    location: Mapped[str | None] = mapped_column(String(16), comment="on_campus, away, graduated")
    location_note: Mapped[str | None] = mapped_column(String(200))
    staff_notes: Mapped[str | None] = mapped_column(Text, comment="visible to the class's staff only")
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    school_class: Mapped[SchoolClass] = relationship()

    @validates("student_no")
    def student_no_blank(self, _key, value):
        """Blank is no number (NULL): two members without one never collide."""
        value = value.strip() if isinstance(value, str) else value
        return value or None


class StageChange(db.Model):
    """History of a member's stage in a class: who changed it, when, from what."""

    __tablename__ = "stage_changes"
    __table_args__ = (
        CheckConstraint(_in("to_stage", STAGES), name="to_known"),
        CheckConstraint("from_stage IS NULL OR " + _in("from_stage", STAGES), name="from_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("class_memberships.id", ondelete="CASCADE"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(16))
    to_stage: Mapped[str] = mapped_column(String(16))
    stage_date: Mapped[date | None] = mapped_column(Date)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClassExam(TimestampMixin, db.Model):
    """A quiz of the class's courses scheduled for the class, with its own window."""

    __tablename__ = "class_exams"
    __table_args__ = (
        UniqueConstraint("class_id", "quiz_id"),
        CheckConstraint("closes_at > opens_at", name="window_order"),
        CheckConstraint("time_limit_seconds IS NULL OR time_limit_seconds > 0", name="limit_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    time_limit_seconds: Mapped[int | None] = mapped_column(comment="None = the quiz file's limit")
    requires_courses_complete: Mapped[bool] = mapped_column(
        default=False, server_default="0", comment="members must complete the class's courses first")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)


class ExamOverride(TimestampMixin, db.Model):
    """One member's exception to a scheduled exam (ill, accommodation), with the reason."""

    __tablename__ = "exam_overrides"
    __table_args__ = (
        UniqueConstraint("exam_id", "user_id"),
        CheckConstraint("extra_attempts >= 0", name="extra_attempts_positive"),
        CheckConstraint("time_limit_seconds IS NULL OR time_limit_seconds > 0", name="limit_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("class_exams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    time_limit_seconds: Mapped[int | None]
    extra_attempts: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str] = mapped_column(Text)


class ClassSession(TimestampMixin, db.Model):
    """A lecture, branch meeting or party lesson of a class, with its attendance and minutes."""

    __tablename__ = "class_sessions"
    __table_args__ = (
        CheckConstraint(_in("kind", SESSION_KINDS), name="kind_known"),
        CheckConstraint("ends_at > starts_at", name="time_order"),
        CheckConstraint("late_after_minutes >= 0", name="late_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="lecture")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str | None] = mapped_column(String(200))
    meeting_url: Mapped[str | None] = mapped_column(String(500))
    late_after_minutes: Mapped[int] = mapped_column(default=10)
    minutes: Mapped[str | None] = mapped_column(Text, comment="the meeting record, Markdown")
    minutes_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)


class AttendanceRecord(db.Model):
    """A member's attendance at a session: once per member and session."""

    __tablename__ = "attendance_records"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id"),
        UniqueConstraint("session_id", "scan_nonce"),  # one browser's scan checks in one person
        CheckConstraint(_in("status", ATTENDANCE_STATUSES), name="status_known"),
        CheckConstraint(_in("method", CHECKIN_METHODS), name="method_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("class_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(8))
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(String(500))
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    scan_nonce: Mapped[str | None] = mapped_column(
        String(64), comment="SHA-256 of the scanning browser's check-in nonce (QR check-ins)")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Announcement(TimestampMixin, db.Model):
    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, comment="Markdown")
    pinned: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AnnouncementRead(db.Model):
    """A read receipt: once per member and announcement."""

    __tablename__ = "announcement_reads"
    __table_args__ = (UniqueConstraint("announcement_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
