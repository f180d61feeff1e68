"""Class exam results: every member's status and score for one scheduled exam, and when
members may see their results (the exam's release setting).

Release: `immediately` (the default) shows each attempt's result once it is fully graded;
`at` shows the exam's results from `release_at` on, once no answer of the exam waits for a
grader (computed when asked: no job needs to run); `manual` when staff release them. A
release (`released_at`) is refused while answers wait for grading unless staff force it; an
attempt still waiting for a grader never shows its (partial) score to its member.
Functions take explicit arguments and flush; the caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, exists, select

from ...auth.models import User
from ...classes.exams.models import ClassExam
from ...classes.exams.schedules import exam_release
from ...classes.exams.services import RELEASES, check_release, exam_for_key, exam_key, set_release  # noqa: F401
from ...classes.models import Membership, SchoolClass
from ...classes.services import ensure_writable
from ...core.audit import audit
from ...core.errors import DomainError
from ...core.notifications import Notification, notify, site_path
from ...extensions import db
from ...quizzes.models import Attempt
from ..exam_grade import ATTEMPT_COLUMNS, AttemptRow, grade_of

STATUSES = ("not_started", "in_progress", "submitted", "needs_grading", "graded")
FILTERS = ("all", "not_started", "failed", "needs_grading")


class GradingPending(DomainError):
    status, code = 409, "grading_pending"


@dataclass
class ResultRow:
    """One member's result at one exam (the attempt that counts by the quiz's grading method)."""

    user_id: int
    username: str
    display_name: str
    student_no: str | None
    status: str
    score: float | None = None
    max_score: float | None = None
    percent: float | None = None
    passed: bool | None = None
    seconds: int | None = None
    attempts: int = 0
    attempt_id: int | None = None
    submitted_at: datetime | None = None


# ---- the results table ---------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _statements() -> tuple:
    """Built once: the class's members, then the attempts made under the exam (columns only)."""
    members = (select(User.id, User.username, User.display_name, Membership.student_no)
               .join(Membership, Membership.user_id == User.id)
               .where(Membership.class_id == bindparam("class_id"), Membership.role == "member"))
    attempts = (select(*ATTEMPT_COLUMNS)
                .where(Attempt.quiz_id == bindparam("quiz_id"), Attempt.schedule_key == bindparam("key"),
                       Attempt.reset_at.is_(None))
                .order_by(Attempt.user_id, Attempt.number, Attempt.id))
    return members, attempts


def _row(user_id: int, username: str, display_name: str, student_no: str | None,
         attempts: list[AttemptRow]) -> ResultRow:
    """The member's row: the status from all their attempts under the exam, the result from
    grading.exam_grade.grade_of (the gradebook's rule: only submitted or graded attempts count;
    one waiting for a grader leaves the status needs_grading but adds nothing to the result)."""
    row = ResultRow(user_id, username, display_name, student_no, "not_started", attempts=len(attempts))
    if not attempts:
        return row
    if any(a.state == "in_progress" for a in attempts):
        row.status = "in_progress"
    elif any(a.state == "needs_grading" for a in attempts):
        row.status = "needs_grading"
    grade = grade_of(attempts)
    if grade is None or grade.attempt_id is None:
        return row
    if row.status == "not_started":
        row.status = next(a.state for a in attempts if a.id == grade.attempt_id)
    row.attempt_id, row.max_score, row.submitted_at = grade.attempt_id, grade.max_score, grade.submitted_at
    row.score, row.percent, row.passed, row.seconds = grade.score, grade.percent, grade.passed, grade.seconds
    return row


def exam_results(school_class: SchoolClass, exam: ClassExam, now: datetime | None = None) -> list[ResultRow]:
    """Every member (role member) of the class with their result at the exam, by student
    number then username. Two statements whatever the size of the class, read as plain rows:
    the members, then the attempts made under the exam (attempts staff reset do not count)."""
    members_statement, attempts_statement = _statements()
    connection = db.session.connection()
    by_user: dict[int, list[AttemptRow]] = {}
    for row in connection.execute(attempts_statement, {"quiz_id": exam.quiz_id, "key": exam_key(exam)}):
        attempt = AttemptRow(*row)
        by_user.setdefault(attempt.user_id, []).append(attempt)
    rows = [_row(user_id, username, display_name, student_no, by_user.get(user_id, []))
            for user_id, username, display_name, student_no in connection.execute(
                members_statement, {"class_id": school_class.id})]
    return sorted(rows, key=lambda r: (r.student_no is None, r.student_no or "", r.username))


def filter_rows(rows: list[ResultRow], which: str) -> list[ResultRow]:
    if which == "not_started":
        return [r for r in rows if r.status == "not_started"]
    if which == "failed":
        return [r for r in rows if r.passed is False]
    if which == "needs_grading":
        return [r for r in rows if r.status == "needs_grading"]
    return rows


# ---- release ----------------------------------------------------------------------------------------

def grading_pending(exam: ClassExam) -> bool:
    """Whether an answer of the exam (an attempt made under it, not reset) waits for a grader."""
    return bool(db.session.scalar(select(exists().where(
        Attempt.quiz_id == exam.quiz_id, Attempt.schedule_key == exam_key(exam),
        Attempt.reset_at.is_(None), Attempt.state == "needs_grading"))))


def exam_released(exam: ClassExam, now: datetime) -> bool:
    """Whether the exam's results are out (each attempt still needs to be fully graded)."""
    if exam.release == "immediately" or exam.released_at is not None:
        return True
    if exam.release == "at" and exam.release_at is not None and now >= exam.release_at:
        return not grading_pending(exam)
    return False


def results_visible(attempt: Attempt, now: datetime) -> bool:
    """Whether the member may see this attempt's score, pass and feedback: always outside a
    class exam; under one, once the attempt is fully graded and the exam's results are out.
    The exam's release is read as a plain row (classes.exams.schedules.exam_release)."""
    exam = exam_release(getattr(attempt, "schedule_key", None))
    if exam is None:
        return True
    if attempt.state not in ("submitted", "graded"):
        return False
    return exam_released(exam, now)


def _notify_result(user_id: int, attempt_id: int, title: str) -> None:
    url = site_path("quizzes.attempt_page", attempt_id=attempt_id)
    already = db.session.scalar(select(exists().where(
        Notification.user_id == user_id, Notification.kind == "result_released", Notification.url == url)))
    if not already:
        notify([user_id], "result_released", _l("Results of %(quiz)s are out", quiz=title), url)


def _quiz_title(exam: ClassExam) -> str:
    from ...quizzes.models import Quiz

    quiz = db.session.get(Quiz, exam.quiz_id)
    return quiz.title if quiz is not None else ""


def notify_visible_results(school_class: SchoolClass, exam: ClassExam) -> int:
    """A result_released notice to each member whose result at the exam is now visible (a
    fully graded attempt), linking to the attempt that counts; once per attempt."""
    title = _quiz_title(exam)
    count = 0
    for row in exam_results(school_class, exam):
        if row.attempt_id is not None and row.status in ("submitted", "graded"):
            _notify_result(row.user_id, row.attempt_id, title)
            count += 1
    return count


def release_results(actor: User, school_class: SchoolClass, exam: ClassExam, now: datetime,
                    force: bool = False) -> bool:
    """Publish the exam's results (head teacher): 409 grading_pending while answers wait for
    a grader unless `force`. Members with a graded result are notified once. Returns False
    when the results were already released (nothing changes then)."""
    ensure_writable(school_class)
    if exam.released_at is not None:
        return False
    pending = grading_pending(exam)
    if pending and not force:
        raise GradingPending(_l("Answers of this exam still wait for grading: grade them first, "
                                "or release anyway."))
    was_visible = exam_released(exam, now)
    exam.released_at, exam.released_by_id = now, actor.id
    audit(actor, "exam.results_released", exam, class_id=school_class.id, forced=bool(pending and force))
    db.session.flush()
    if not was_visible or exam.release == "at":
        notify_visible_results(school_class, exam)
    return True


def release_due(now: datetime) -> list[int]:
    """The `flask grading release-due` step: exams released `at` a time that has passed, with
    nothing waiting for grading, get their released_at and their members' notices (once).
    Returns the ids of the exams released."""
    due = db.session.scalars(select(ClassExam).where(
        ClassExam.release == "at", ClassExam.released_at.is_(None), ClassExam.release_at <= now)).all()
    released = []
    for exam in due:
        if grading_pending(exam):
            continue
        exam.released_at = now
        db.session.flush()
        notify_visible_results(db.session.get(SchoolClass, exam.class_id), exam)
        released.append(exam.id)
    return released


def on_attempt_graded(_sender, attempt: Attempt | None = None, **_kwargs) -> None:
    """core.signals.attempt_graded: an attempt of a class exam left manual grading; when its
    result is visible now, its member hears of it (an auto-graded one shows at once: no notice)."""
    if attempt is None or attempt.state != "graded":
        return
    exam = exam_for_key(attempt.schedule_key)
    if exam is None:
        return
    if exam.release == "at" and exam.released_at is None:
        return  # the release-due step notifies the whole exam when its time has come
    if results_visible(attempt, _now()):
        _notify_result(attempt.user_id, attempt.id, _quiz_title(exam))


def _now() -> datetime:
    from ...core.types import utcnow

    return utcnow()
