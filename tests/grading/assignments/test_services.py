"""Assignments' rules: deadlines and late marks, the minimum length, the 20,000 limit, no edit
after grading, grading with its version, audit and notification, release, what gradebook
and completion read."""
from __future__ import annotations

from datetime import timedelta

import pytest

from learnhub.core.errors import DomainError
from learnhub.extensions import db
from learnhub.grading.assignments import services as rules
from learnhub.grading.assignments.models import Assignment, Submission
from learnhub.grading.assignments.queue import pending_submissions
from learnhub.grading.assignments.submissions import save_submission
from tests.support.grading_assignments import BODY, audits, count, make_assignment, notifications_of, submit


def test_text_length_ignores_whitespace():
    assert rules.text_length("学习 心得\n\n体会 ") == 6
    assert rules.text_length("") == 0


def test_draft_may_be_short_but_submitting_needs_the_minimum(school, clock):
    assignment = make_assignment(school, clock, min_length=10)
    member = school.members[0]
    draft = save_submission(member, school.school_class, assignment, "短", False)
    db.session.commit()
    assert draft.state == "draft" and draft.submitted_at is None
    with pytest.raises(DomainError) as refused:
        save_submission(member, school.school_class, assignment, "太 短 了", True)
    assert refused.value.code == "too_short" and refused.value.status == 422
    assert "3" in refused.value.message and "10" in refused.value.message
    db.session.rollback()
    assert db.session.get(Submission, draft.id).state == "draft"
    assert db.session.get(Submission, draft.id).body == "短"


def test_an_empty_text_is_never_submitted_even_without_minimum(school, clock):
    assignment = make_assignment(school, clock, min_length=0)
    with pytest.raises(DomainError) as refused:
        save_submission(school.members[0], school.school_class, assignment, "  \n ", True)
    assert refused.value.code == "too_short"


def test_body_over_20000_characters_is_refused(school, clock):
    assignment = make_assignment(school, clock)
    with pytest.raises(DomainError) as refused:
        save_submission(school.members[0], school.school_class, assignment, "字" * 20_001, False)
    assert refused.value.status == 422
    db.session.rollback()
    assert count(Submission) == 0
    save_submission(school.members[0], school.school_class, assignment, "字" * 20_000, False)  # the limit itself


def test_on_time_and_late_submissions(school, clock):
    assignment = make_assignment(school, clock, due_at=clock.now + timedelta(hours=1))
    on_time = submit(school, assignment)
    assert on_time.state == "submitted" and not on_time.late
    clock.advance(hours=2)
    late = submit(school, assignment, school.members[1])
    assert late.late and late.submitted_at == clock.now


def test_resubmitting_before_grading_moves_the_late_mark_and_the_version(school, clock):
    assignment = make_assignment(school, clock, due_at=clock.now + timedelta(hours=1))
    first = submit(school, assignment)
    version = first.version
    clock.advance(hours=2)
    again = submit(school, assignment, body=BODY + "补充。")
    assert again.id == first.id and again.late and again.version == version + 1
    assert again.body.endswith("补充。")
    # A draft save after submitting would take it out of the queue unseen: refused.
    with pytest.raises(DomainError) as refused:
        save_submission(school.members[0], school.school_class, assignment, "改", False)
    assert refused.value.code == "already_submitted"


def test_no_edit_after_grading(school, clock):
    assignment = make_assignment(school, clock)
    submission = submit(school, assignment)
    rules.grade_submission(school.grader, submission.id, 80, "好", submission.version)
    db.session.commit()
    for submit_it in (False, True):
        with pytest.raises(DomainError) as refused:
            save_submission(school.members[0], school.school_class, assignment, BODY + "改", submit_it)
        assert refused.value.code == "already_graded" and refused.value.status == 409
        db.session.rollback()
    assert db.session.get(Submission, submission.id).body == BODY


def test_grading_with_version_conflict_and_audit(school, clock):
    assignment = make_assignment(school, clock)
    submission = submit(school, assignment)
    read = submission.version
    new = rules.grade_submission(school.grader, submission.id, 75.5, "**不错**", read)
    db.session.commit()
    assert new == read + 1
    with pytest.raises(DomainError) as stale:  # a second grader who read the same version
        rules.grade_submission(school.head, submission.id, 60, None, read)
    assert stale.value.code == "stale_version" and stale.value.status == 409
    db.session.rollback()
    saved = db.session.get(Submission, submission.id)
    assert (saved.points, saved.state, saved.grader_id, saved.version) == (75.5, "graded", school.grader.id, new)
    rules.grade_submission(school.head, submission.id, 70, None, new)  # a regrade with the fresh version
    db.session.commit()
    entries = audits("grade.change")
    assert [(e.data["old"], e.data["new"]) for e in entries] == [(None, 75.5), (75.5, 70.0)]
    assert entries[0].actor_id == school.grader.id and entries[0].target_type == "assignment_submissions"


@pytest.mark.parametrize("points", [-1, 100.5, float("nan"), float("inf"), "80", True, None])
def test_points_outside_the_range_change_nothing(school, clock, points):
    assignment = make_assignment(school, clock)
    submission = submit(school, assignment)
    with pytest.raises(DomainError) as refused:
        rules.grade_submission(school.grader, submission.id, points, "x", submission.version)
    assert refused.value.code == "invalid_points" and refused.value.status == 422
    db.session.rollback()
    assert db.session.get(Submission, submission.id).state == "submitted"
    assert not audits("grade.change") and not notifications_of(school.members[0])


def test_a_draft_is_not_gradable(school, clock):
    assignment = make_assignment(school, clock)
    draft = save_submission(school.members[0], school.school_class, assignment, "草稿", False)
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        rules.grade_submission(school.grader, draft.id, 1, None, draft.version)
    assert refused.value.code == "not_gradable"


def test_visible_grade_notifies_the_member_at_once(school, clock):
    assignment = make_assignment(school, clock)
    submission = submit(school, assignment)
    rules.grade_submission(school.grader, submission.id, 90, None, submission.version)
    db.session.commit()
    [note] = notifications_of(school.members[0])
    assert note.url == f"/assignments/{assignment.id}"
    assert rules.assignment_grades(school.school_class.id)[(school.members[0].id, assignment.id)].released


def test_held_grades_are_hidden_until_released_then_notified(school, clock):
    assignment = make_assignment(school, clock, hold_results=True)
    first, second = submit(school, assignment), submit(school, assignment, school.members[1])
    rules.grade_submission(school.grader, first.id, 90, "好", first.version)
    db.session.commit()
    assert not notifications_of(school.members[0])
    grades = rules.assignment_grades(school.school_class.id)
    assert grades[(school.members[0].id, assignment.id)].points == 90
    assert not grades[(school.members[0].id, assignment.id)].released
    assert grades[(school.members[1].id, assignment.id)].points is None
    assert rules.release_results(school.head, school.school_class, assignment) == 1
    db.session.commit()
    assert len(notifications_of(school.members[0])) == 1 and not notifications_of(school.members[1])
    assert rules.release_results(school.head, school.school_class, assignment) == 0  # idempotent
    # Graded after the release: visible, notified at once.
    rules.grade_submission(school.grader, second.id, 50, None, second.version)
    db.session.commit()
    assert len(notifications_of(school.members[1])) == 1
    assert rules.assignment_grades(school.school_class.id)[(school.members[1].id, assignment.id)].released


def test_class_assignments_and_grades_for_gradebook(school, clock, make_class):
    later = make_assignment(school, clock, title="思想汇报", kind="report", due_at=clock.now + timedelta(days=9),
                            max_points=20)
    sooner = make_assignment(school, clock)
    other_class = make_class()
    assert [a.id for a in rules.class_assignments(school.school_class.id)] == [sooner.id, later.id]
    assert rules.class_assignments(other_class.id) == []
    save_submission(school.members[1], school.school_class, sooner, "草稿", False)  # drafts are not grades
    late = submit(school, later)
    db.session.commit()
    grades = rules.assignment_grades(school.school_class.id)
    assert set(grades) == {(school.members[0].id, later.id)}
    grade = grades[(school.members[0].id, later.id)]
    assert (grade.points, grade.max_points, grade.late, grade.released) == (None, 20, False, False)
    assert grade.submitted_at == late.submitted_at


def test_queue_source_lists_submitted_texts_only(school, clock):
    assignment = make_assignment(school, clock)
    submission = submit(school, assignment)
    save_submission(school.members[1], school.school_class, assignment, "草稿", False)
    db.session.commit()
    [item] = pending_submissions(school.school_class)
    assert (item.kind, item.id, item.version, item.max_points) == ("submission", submission.id, submission.version, 100)
    assert item.username == school.members[0].username and "<strong>" in item.question_html
    rules.grade_submission(school.grader, submission.id, 1, None, item.version)
    db.session.commit()
    assert pending_submissions(school.school_class) == []


def test_delete_only_while_nobody_submitted(school, clock):
    assignment = make_assignment(school, clock)
    save_submission(school.members[1], school.school_class, assignment, "草稿", False)
    submit(school, assignment)
    with pytest.raises(DomainError) as refused:
        rules.delete_assignment(school.head, school.school_class, assignment)
    assert refused.value.code == "has_submissions"
    db.session.rollback()
    empty = make_assignment(school, clock, title="空")
    save_submission(school.members[1], school.school_class, empty, "草稿", False)
    rules.delete_assignment(school.head, school.school_class, empty)
    db.session.commit()
    assert db.session.get(Assignment, empty.id) is None and count(Submission) == 2  # the first two stay
    assert audits("assignment.delete")[0].data["title"] == "空"


@pytest.mark.parametrize(("field", "value"), [("title", " "), ("title", "x" * 201), ("kind", "essay"),
                                              ("max_points", 0), ("max_points", -5), ("min_length", -1),
                                              ("min_length", 1.5), ("instructions", "[" * 5000)])
def test_bad_assignment_fields_change_nothing(school, clock, field, value):
    with pytest.raises(DomainError) as refused:
        make_assignment(school, clock, **{field: value})
    assert refused.value.status == 422
    db.session.rollback()
    assert count(Assignment) == 0


def test_max_points_not_below_a_given_grade(school, clock):
    assignment = make_assignment(school, clock)
    submission = submit(school, assignment)
    rules.grade_submission(school.grader, submission.id, 80, None, submission.version)
    db.session.commit()
    with pytest.raises(DomainError):
        rules.update_assignment(school.head, school.school_class, assignment, "t", "", "other",
                                assignment.due_at, 50, 0)
    db.session.rollback()
    assert db.session.get(Assignment, assignment.id).max_points == 100


def test_releasing_by_no_longer_holding_notifies(school, clock):
    assignment = make_assignment(school, clock, hold_results=True)
    submission = submit(school, assignment)
    rules.grade_submission(school.grader, submission.id, 60, None, submission.version)
    db.session.commit()
    assert not notifications_of(school.members[0])
    rules.update_assignment(school.head, school.school_class, assignment, assignment.title, "", "reflection",
                            assignment.due_at, 100, 0, hold_results=False)
    db.session.commit()
    assert len(notifications_of(school.members[0])) == 1
    assert rules.assignment_grades(school.school_class.id)[(school.members[0].id, assignment.id)].released


def test_the_class_grading_queue_has_the_registered_source(app, school, clock):
    from learnhub.grading.marking.services import queue_sources

    assignment = make_assignment(school, clock)
    submission = submit(school, assignment)
    items = [item for source in queue_sources(app) for item in source(school.school_class)]
    assert [(i.kind, i.id) for i in items if i.kind == "submission"] == [("submission", submission.id)]
