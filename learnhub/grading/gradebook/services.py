"""The class gradebook: each member's grade per scheduled exam by the quiz's grading method,
their assignments' points, and a ranking.

An exam's grade is decided by grading.exam_grade.grade_of (what counts, the grading method,
the pass mark): the one rule the exam's results page (grading.results) uses too. Here the
attempts are read for the whole class in one query and handed to it.

Ranking (`rank_rows`): by the sum of the member's exam percents (an exam not graded counts
0, so this orders as the mean over all the class's exams would), ties broken by the shorter
total time over the counted attempts, then by the earlier last submission (the latest
submitted_at among the counted attempts: who finished first). Rows equal on all three share
a rank (competition ranking: 1, 2, 2, 4); members with no graded exam have no rank (None)
and come last.

Everything is read in a fixed number of queries for the class (members, exams, attempts,
and the assignments part's two), whatever the number of members or attempts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from sqlalchemy import bindparam, select

from ...auth.models import User
from ...classes.exams.models import ClassExam
from ...classes.exams.services import MemberExam, class_exams, exam_key
from ...classes.models import Membership, SchoolClass
from ...extensions import db
from ...quizzes.models import Attempt
from ..assignments.services import SubmissionGrade, assignment_grades, class_assignments
from ..exam_grade import ATTEMPT_COLUMNS, AWAITING_STATE, COUNTED_STATES, METHODS, AttemptRow, ExamGrade, grade_of

__all__ = ["METHODS", "ExamGrade", "Gradebook", "GradebookRow", "class_gradebook", "exam_grades", "grade_of",
           "rank_rows"]


@lru_cache(maxsize=1)
def _statements() -> tuple:
    """Built once: the attempts of the given exams by the class's members, and the members."""
    class_id = bindparam("class_id")
    member_ids = select(Membership.user_id).where(Membership.class_id == class_id,
                                                  Membership.role == "member").scalar_subquery()
    attempts = (select(*ATTEMPT_COLUMNS)
                .where(Attempt.schedule_key.in_(bindparam("keys", expanding=True)), Attempt.reset_at.is_(None),
                       Attempt.state.in_((*COUNTED_STATES, AWAITING_STATE)), Attempt.user_id.in_(member_ids))
                .order_by(Attempt.user_id, Attempt.schedule_key, Attempt.number, Attempt.id))
    members = (select(User.id, User.username, User.display_name, Membership.student_no)
               .join(Membership, Membership.user_id == User.id)
               .where(Membership.class_id == class_id, Membership.role == "member")
               .order_by(User.username))
    return attempts, members


def _grades_for(school_class: SchoolClass, keys: dict[str, int]) -> dict[int, dict[int, ExamGrade]]:
    """{user_id: {exam_id: grade}} for the exams whose keys are given ({key: exam id}): one query."""
    if not keys:
        return {}
    found = db.session.connection().execute(_statements()[0], {"class_id": school_class.id, "keys": list(keys)})
    grouped: dict[tuple[int, str], list[AttemptRow]] = {}
    for row in found:
        attempt = AttemptRow(*row)
        grouped.setdefault((attempt.user_id, attempt.schedule_key), []).append(attempt)
    grades: dict[int, dict[int, ExamGrade]] = {}
    for (user_id, key), rows in grouped.items():
        grade = grade_of(rows)
        if grade is not None:
            grades.setdefault(user_id, {})[keys[key]] = grade
    return grades


def exam_grades(school_class: SchoolClass) -> dict[int, dict[int, ExamGrade]]:
    """user_id -> exam_id -> ExamGrade for the class's members (class role member) and its
    scheduled exams, by each quiz's grading method; reset attempts excluded, attempts awaiting
    grading counted apart (`awaiting`). A member with no finished attempt at an exam has no
    entry for it. Two queries."""
    exams = db.session.scalars(select(ClassExam).where(ClassExam.class_id == school_class.id)).all()
    return _grades_for(school_class, {exam_key(exam): exam.id for exam in exams})


# ---- the gradebook -------------------------------------------------------------------------------

@dataclass
class GradebookRow:
    user_id: int
    username: str
    display_name: str
    student_no: str | None
    exams: dict[int, ExamGrade] = field(default_factory=dict)
    assignments: dict[int, float | None] = field(default_factory=dict)  # points; None: not graded
    submissions: dict[int, SubmissionGrade] = field(default_factory=dict)  # by assignment id
    rank: int | None = None
    total: float | None = None            # the sum of the exam percents (None: nothing graded)
    seconds: int | None = None            # the total time of the counted attempts
    last_submitted_at: datetime | None = None


@dataclass
class Gradebook:
    school_class: SchoolClass
    exams: list[MemberExam]
    assignments: list
    rows: list[GradebookRow]


def _sort_key(row: GradebookRow) -> tuple:
    latest = row.last_submitted_at.timestamp() if row.last_submitted_at else float("inf")
    return (-(row.total or 0.0), row.seconds if row.seconds is not None else float("inf"), latest)


def rank_rows(rows: list[GradebookRow]) -> list[GradebookRow]:
    """Set each row's total, time, last submission and rank; return them best first (the
    unranked last, by name). Competition ranking: a row's rank is 1 + the rows strictly better."""
    for row in rows:
        graded = [g for g in row.exams.values() if g.graded]
        if not graded:
            row.total = row.seconds = row.last_submitted_at = row.rank = None
            continue
        row.total = round(sum(g.percent for g in graded), 2)
        row.seconds = sum(g.seconds or 0 for g in graded)
        moments = [g.submitted_at for g in graded if g.submitted_at is not None]
        row.last_submitted_at = max(moments) if moments else None
    ranked = sorted((r for r in rows if r.total is not None), key=lambda r: (_sort_key(r), r.username))
    previous, rank = None, 0
    for position, row in enumerate(ranked, 1):
        key = _sort_key(row)
        if key != previous:
            rank, previous = position, key
        row.rank = rank
    unranked = sorted((r for r in rows if r.total is None), key=lambda r: r.username)
    return ranked + unranked


def class_members(school_class: SchoolClass) -> list[GradebookRow]:
    """The class's members (class role member) as empty rows, by username: one query."""
    found = db.session.connection().execute(_statements()[1], {"class_id": school_class.id})
    return [GradebookRow(user_id=i, username=u, display_name=d, student_no=s) for i, u, d, s in found]


def class_gradebook(school_class: SchoolClass) -> Gradebook:
    """Every member x the class's exams (grade by the grading method) and assignments (points),
    ranked (see rank_rows). A fixed number of queries for the class."""
    exams = class_exams(school_class)
    grades = _grades_for(school_class, {exam_key(item.exam): item.exam.id for item in exams})
    assignments = class_assignments(school_class.id)
    submissions = assignment_grades(school_class.id)
    rows = class_members(school_class)
    for row in rows:
        row.exams = grades.get(row.user_id, {})
        for assignment in assignments:
            grade = submissions.get((row.user_id, assignment.id))
            if grade is not None:
                row.submissions[assignment.id] = grade
                row.assignments[assignment.id] = grade.points
    return Gradebook(school_class=school_class, exams=exams, assignments=assignments, rows=rank_rows(rows))

