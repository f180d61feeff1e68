"""What the final grade is made of, read from the parts that own it: the final exam's grade
(grading.gradebook, by the quiz's grading method), reflection assignments (grading.assignments),
confirmed integrity findings (grading.attempt_review), attendance (classes.attendance), required
units and study time (progress). Each read is one call for the whole class; the rule tests
replace these functions with fixed figures (tests/support/grading_completion.FakeSources).
"""
from __future__ import annotations

from datetime import datetime

from ...classes.attendance.stats import attendance_rates
from ...classes.services import class_courses
from ...progress.class_dashboard import class_members, completion_counts, required_units, study_seconds
from ..assignments.services import assignment_grades, class_assignments
from ..attempt_review.services import confirmed_findings as standing_findings
from ..gradebook.services import exam_grades as gradebook_exam_grades

REFLECTION = "reflection"


def members(school_class) -> list[tuple]:
    """(user_id, username, display_name, department, stage, student_no) of the class's members."""
    return class_members(school_class)


def exam_grades(school_class) -> dict[int, dict[int, object]] | None:
    """user_id -> exam_id -> ExamGrade (percent, passed, ...), by the quiz's grading method."""
    return gradebook_exam_grades(school_class)


def reflection_percents(school_class) -> dict[int, float] | None:
    """{user_id: mean percent over the class's reflection (心得体会) assignments}; a member
    without a graded submission counts 0 for that assignment. None when the class has none."""
    reflections = [a for a in class_assignments(school_class.id) if a.kind == REFLECTION and a.max_points]
    if not reflections:
        return None
    by_id = {a.id: a for a in reflections}
    totals: dict[int, float] = {}
    for (user_id, assignment_id), grade in assignment_grades(school_class.id).items():
        assignment = by_id.get(assignment_id)
        if assignment is None or grade.points is None:
            continue
        maximum = grade.max_points or assignment.max_points
        totals[user_id] = totals.get(user_id, 0.0) + 100.0 * float(grade.points) / float(maximum)
    return {user_id: total / len(reflections) for user_id, total in totals.items()}


def confirmed_findings(class_id: int) -> set[int]:
    """User ids with an integrity finding confirmed by staff on one of the class's exams."""
    return set(standing_findings(class_id))


def attendance(class_id: int, now: datetime) -> dict[int, float | None]:
    return attendance_rates(class_id, now)


def units(school_class) -> tuple[int, dict[int, int]]:
    """(required units in total, {user_id: required units complete})."""
    required = required_units(school_class)
    counts = completion_counts(school_class.id, [u.id for u in required])
    return len(required), {user_id: done for user_id, (done, _touched, _last) in counts.items()}


def study_time(school_class) -> dict[int, int]:
    """{user_id: seconds} of study in the class's courses (progress's study time)."""
    return study_seconds(school_class.id, [c.id for c in class_courses(school_class) if not c.draft])
