"""The exam's results page and the class gradebook decide a member's grade with the same
rule (grading.exam_grade.grade_of): for the same attempts they agree on score, percent,
pass, time and the attempt that counts, whatever the grading method; an attempt waiting for
a grader counts in neither (the results row still says needs_grading)."""
from __future__ import annotations

import pytest

from learnhub.grading.gradebook.services import exam_grades
from learnhub.grading.results.services import exam_results
from tests.support.factories import enrol
from tests.support.grading_results import T, attempt, exam_of

FIELDS = ("score", "percent", "passed", "seconds", "attempt_id")


@pytest.fixture
def world(school, db, make_user):
    """Five members: one per grading method, each with 3 graded attempts (70 % in 20 min,
    90 % in 30.5 min, 50 % in 11 min); the 'first' one also has a later attempt waiting
    for a grader (99 % so far, under other settings); the fifth only a waiting attempt."""
    extra = [make_user(f"member{i}") for i in (3, 4, 5)]
    for user in extra:
        enrol(school.school_class, user)
    db.session.commit()
    members = [*school.members, *extra]
    exam = exam_of(school.school_class)
    made = {}
    for member, method in zip(members[:4], ("highest", "last", "average", "first"), strict=True):
        made[method] = [attempt(member, exam, p, minutes=m, method=method, state="graded")
                        for p, m in ((70, 20), (90, 30.5), (50, 11))]
    attempt(members[3], exam, 99, state="needs_grading", method="highest", pass_percent=95)
    attempt(members[4], exam, 40, state="needs_grading")
    return school, exam, members, made


def test_results_rows_and_gradebook_agree(world):
    school, exam, members, made = world
    rows = {r.user_id: r for r in exam_results(school.school_class, exam, T)}
    grades = exam_grades(school.school_class)
    for member in members:
        grade = grades.get(member.id, {}).get(exam.id)
        expected = tuple(getattr(grade, f) if grade and grade.graded else None for f in FIELDS)
        assert tuple(getattr(rows[member.id], f) for f in FIELDS) == expected, member.username
        if grade is not None and grade.graded:
            assert (rows[member.id].max_score, rows[member.id].submitted_at) == (grade.max_score, grade.submitted_at)


def test_the_shared_rule_by_method(world):
    school, exam, members, made = world
    rows = {r.user_id: r for r in exam_results(school.school_class, exam, T)}
    highest, last, average, first, waiting = (rows[m.id] for m in members)
    assert (highest.percent, highest.attempt_id, highest.seconds) == (90, made["highest"][1].id, 1830)
    assert (last.percent, last.attempt_id, last.passed, last.status) == (50, made["last"][2].id, False, "graded")
    # average: the mean percent, score and time; the latest submission and attempt.
    assert (average.percent, average.score, average.passed) == (70.0, 7.0, True)
    assert average.seconds == round((20 + 30.5 + 11) * 60 / 3)
    assert (average.attempt_id, average.submitted_at) == (made["average"][2].id, made["average"][2].submitted_at)
    # The waiting attempt neither counts nor sets the method or the pass mark.
    assert (first.status, first.percent, first.attempt_id, first.passed) == (
        "needs_grading", 70, made["first"][0].id, True)
    assert first.attempts == 4
    assert (waiting.status, waiting.score, waiting.percent, waiting.passed, waiting.attempt_id) == (
        "needs_grading", None, None, None, None)
