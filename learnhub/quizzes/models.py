"""Attempts and answers. Quiz rows only index the files so attempts can refer to them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.types import TimestampMixin, UTCDateTime, utcnow
from ..extensions import db

ATTEMPT_STATES = ("in_progress", "submitted", "needs_grading", "graded")
EVENT_KINDS = ("focus_lost", "hidden", "paste")


class Quiz(TimestampMixin, db.Model):
    __tablename__ = "quizzes"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(16))
    removed_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, comment="the file is gone; attempts at it stay readable")
    requires: Mapped[list | None] = mapped_column(
        JSON, comment="prerequisites from front matter: unit slugs and quiz:slug entries")


class Attempt(db.Model):
    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id", "number"),
        # At most one open attempt per member and quiz, even under concurrent starts.
        Index("uq_attempts_one_open", "quiz_id", "user_id", unique=True,
              sqlite_where=text("state = 'in_progress'"),
              postgresql_where=text("state = 'in_progress'")),
        CheckConstraint("state IN ('in_progress', 'submitted', 'needs_grading', 'graded')",
                        name="state_known"),
        CheckConstraint("finished_by IS NULL OR finished_by IN ('member', 'timer', 'server')",
                        name="finished_by_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(comment="1 for the member's first attempt at this quiz")
    state: Mapped[str] = mapped_column(String(16), default="in_progress")
    seed: Mapped[int] = mapped_column(comment="seeds the draw and the shuffles: a reload shows the same paper")
    quiz_checksum: Mapped[str] = mapped_column(String(64))
    settings: Mapped[dict] = mapped_column(JSON, comment="the quiz settings in force at start")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, comment="None = untimed")
    grace_seconds: Mapped[int] = mapped_column(default=30)
    last_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_by: Mapped[str | None] = mapped_column(String(8), comment="member, timer or server")
    score: Mapped[float | None]
    max_score: Mapped[float | None]
    percent: Mapped[float | None]
    passed: Mapped[bool | None]
    times_graded: Mapped[int] = mapped_column(default=0, comment="auto-grading runs; must stay 1")
    reset_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, comment="reset by staff: no longer counts toward attempts used or the grade")
    schedule_key: Mapped[str | None] = mapped_column(
        String(64), index=True,
        comment="the schedule it was made under (opaque: the provider that set it reads it); "
                "None = the quiz file's own rules")
    start_ip: Mapped[str | None] = mapped_column(String(64))
    start_user_agent: Mapped[str | None] = mapped_column(String(400))
    submit_ip: Mapped[str | None] = mapped_column(String(64))
    submit_user_agent: Mapped[str | None] = mapped_column(String(400))

    questions: Mapped[list[AttemptQuestion]] = relationship(
        back_populates="attempt", order_by="AttemptQuestion.position", cascade="all, delete-orphan")


class AttemptQuestion(db.Model):
    """A question as the attempt was given it: a snapshot, with its options' order and ids."""

    __tablename__ = "attempt_questions"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    points: Mapped[float]
    snapshot: Mapped[dict] = mapped_column(JSON, comment="Question.to_dict() at start")
    layout: Mapped[dict] = mapped_column(JSON, comment="opaque option ids in display order")

    attempt: Mapped[Attempt] = relationship(back_populates="questions")


class Answer(db.Model):
    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("attempt_question_id"),
        CheckConstraint("fraction IS NULL OR (fraction >= 0 AND fraction <= 1)", name="fraction_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
    attempt_question_id: Mapped[int] = mapped_column(
        ForeignKey("attempt_questions.id", ondelete="CASCADE"), index=True)
    response: Mapped[object | None] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fraction: Mapped[float | None] = mapped_column(comment="None until graded (manual questions)")
    points_awarded: Mapped[float | None]
    grader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    grader_comment: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(
        server_default="1", comment="raised by each manual grade: two graders cannot overwrite each other")


class IntegrityEvent(db.Model):
    """Evidence, not punishment: focus losses, hidden page, pastes into text answers."""

    __tablename__ = "attempt_events"
    __table_args__ = (
        CheckConstraint("kind IN ('focus_lost', 'hidden', 'paste')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempt_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("attempt_questions.id", ondelete="CASCADE"), index=True)
