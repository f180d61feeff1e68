"""exam_grades: each grading method over three attempts, resets, attempts awaiting grading,
attempts under another exam or by staff, and the query count."""
from __future__ import annotations

from datetime import timedelta

import pytest

from learnhub.grading.gradebook.services import exam_grades
from tests.support.factories import enrol
from tests.support.grading_gradebook import T, attempt, schedule


@pytest.fixture
def setup(school, db):
    exam, = schedule(school.school_class)
    return school, exam


def three(user, exam, method):
    """Attempts of 70 % (20 min), 90 % (30 min), 50 % (10 min), in that order."""
    return [attempt(user, exam, p, minutes=m, method=method) for p, m in ((70, 20), (90, 30), (50, 10))]


@pytest.mark.parametrize("method, percent, index", [("highest", 90, 1), ("first", 70, 0), ("last", 50, 2)])
def test_single_attempt_methods(setup, method, percent, index):
    school, exam = setup
    member = school.members[0]
    made = three(member, exam, method)
    grade = exam_grades(school.school_class)[member.id][exam.id]
    assert (grade.method, grade.percent, grade.attempt_id) == (method, percent, made[index].id)
    assert grade.score == percent / 10
    assert grade.seconds == [20, 30, 10][index] * 60
    assert grade.submitted_at == made[index].submitted_at
    assert grade.passed is (percent >= 60)
    assert grade.attempts == 3 and grade.awaiting == 0


def test_average(setup):
    school, exam = setup
    member = school.members[0]
    made = three(member, exam, "average")
    grade = exam_grades(school.school_class)[member.id][exam.id]
    assert grade.percent == 70.0 and grade.score == 7.0 and grade.passed is True
    assert grade.seconds == 20 * 60  # the mean time of the three
    assert grade.submitted_at == made[-1].submitted_at and grade.attempt_id == made[-1].id
    assert set(grade.attempt_ids) == {a.id for a in made}


def test_average_rounds_and_fails_below_the_pass_mark(setup):
    school, exam = setup
    member = school.members[0]
    for p in (50, 60, 61):
        attempt(member, exam, p, method="average", pass_percent=57.5)
    grade = exam_grades(school.school_class)[member.id][exam.id]
    assert grade.percent == 57.0 and grade.passed is False


def test_highest_takes_the_earliest_of_equal_best(setup):
    school, exam = setup
    member = school.members[0]
    first = attempt(member, exam, 80, minutes=30)
    attempt(member, exam, 80, minutes=5)
    assert exam_grades(school.school_class)[member.id][exam.id].attempt_id == first.id


def test_pass_mark_from_the_attempt_settings(setup):
    school, exam = setup
    member = school.members[0]
    attempt(member, exam, 70, pass_percent=75)
    assert exam_grades(school.school_class)[member.id][exam.id].passed is False


def test_reset_attempts_do_not_count(setup):
    school, exam = setup
    member = school.members[0]
    attempt(member, exam, 95, reset=True)
    kept = attempt(member, exam, 40)
    grade = exam_grades(school.school_class)[member.id][exam.id]
    assert (grade.percent, grade.attempt_id, grade.attempts, grade.passed) == (40, kept.id, 1, False)


def test_only_reset_attempts_mean_no_grade(setup):
    school, exam = setup
    attempt(school.members[0], exam, 95, reset=True)
    assert exam_grades(school.school_class) == {}


def test_awaiting_grading_is_not_counted_yet(setup):
    school, exam = setup
    ann, bob = school.members
    attempt(ann, exam, 30, state="needs_grading")
    attempt(bob, exam, 60, state="graded")
    attempt(bob, exam, 99, state="needs_grading")
    grades = exam_grades(school.school_class)
    waiting = grades[ann.id][exam.id]
    assert (waiting.percent, waiting.passed, waiting.graded, waiting.awaiting) == (None, None, False, 1)
    assert (grades[bob.id][exam.id].percent, grades[bob.id][exam.id].awaiting) == (60, 1)


def test_in_progress_attempts_and_other_schedules_do_not_count(setup, db):
    school, exam = setup
    member = school.members[0]
    attempt(member, exam, None, state="in_progress")
    practice = attempt(member, exam, 100)
    practice.schedule_key = None  # the quiz file's own rules, not this exam
    db.session.commit()
    assert exam_grades(school.school_class) == {}


def test_staff_and_former_members_have_no_row(setup, make_user, db):
    school, exam = setup
    attempt(school.grader, exam, 100)
    outsider = make_user("outsider")
    attempt(outsider, exam, 100)
    assert exam_grades(school.school_class) == {}
    enrol(school.school_class, outsider)
    db.session.commit()
    assert exam_grades(school.school_class)[outsider.id][exam.id].percent == 100


def test_one_entry_per_exam(school):
    first, second = schedule(school.school_class, 2)
    member = school.members[0]
    attempt(member, first, 80, at=T)
    attempt(member, second, 40, at=T + timedelta(days=1))
    grades = exam_grades(school.school_class)[member.id]
    assert {exam_id: g.percent for exam_id, g in grades.items()} == {first.id: 80, second.id: 40}


def test_a_fixed_number_of_queries(setup, make_user, db, count_queries):
    school, exam = setup
    for i in range(12):
        user = make_user(f"extra{i}")
        enrol(school.school_class, user)
        for p in (50, 70):
            attempt(user, exam, p)
    db.session.commit()
    db.session.refresh(school.school_class)  # the class as a view has it: loaded
    with count_queries() as statements:
        grades = exam_grades(school.school_class)
    assert len(grades) == 12 and len(statements) == 2
