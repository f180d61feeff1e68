"""The party school: classes (期次), their courses, who is in them (members and staff).

Each sub-package keeps its own tables in its models.py (roster, attendance, announcements, exams)."""
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


def sql_in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class SchoolClass(TimestampMixin, db.Model):
    """A class of the party school, e.g. 2026 秋季入党积极分子培训班."""

    __tablename__ = "classes"
    __table_args__ = (
        CheckConstraint(sql_in("status", CLASS_STATUSES), name="status_known"),
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
        CheckConstraint(sql_in("role", CLASS_ROLES), name="role_known"),
        CheckConstraint("stage IS NULL OR " + sql_in("stage", STAGES), name="stage_known"),
        CheckConstraint("location IS NULL OR " + sql_in("location", LOCATIONS), name="location_known"),
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
