"""The final grade read from the real parts (no fakes): reflection assignments (grading.assignments),
attendance (classes.attendance), required units (progress), the final exam (grading.gradebook)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from learnhub.classes.attendance.checkin import mark
from learnhub.classes.exams.services import schedule_exam
from learnhub.core.types import utcnow
from learnhub.extensions import db
from learnhub.grading.assignments.models import Assignment, Submission
from learnhub.grading.completion import services as completion
from tests.support.factories import start_session


def test_parts_come_from_the_features_that_own_them(app, make_user, make_class):
    ann, bob = make_user("ann"), make_user("bob")
    school_class = make_class(members=[ann, bob])
    head, now = school_class.head, utcnow()
    schedule_exam(head, school_class, "party-building-online", "check-your-understanding",
                  datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2026, 2, 1, tzinfo=timezone.utc))
    reflection = Assignment(class_id=school_class.id, title="学习心得", kind="reflection", due_at=now, max_points=20)
    report = Assignment(class_id=school_class.id, title="思想汇报", kind="report", due_at=now, max_points=10)
    db.session.add_all([reflection, report])
    db.session.flush()
    db.session.add_all([
        Submission(assignment_id=reflection.id, user_id=ann.id, body="x", state="graded", submitted_at=now, points=15),
        Submission(assignment_id=report.id, user_id=bob.id, body="x", state="graded", submitted_at=now, points=10)])
    sessions = [start_session(school_class, f"Lecture {n}", now - timedelta(days=n + 1),
                              now - timedelta(days=n + 1) + timedelta(hours=2)) for n in range(2)]
    db.session.flush()
    for session in sessions:
        mark(head, school_class, session, "ann", "present")
    mark(head, school_class, sessions[0], "bob", "present")
    mark(head, school_class, sessions[1], "bob", "absent")
    db.session.commit()

    rows = {r.username: r for r in completion.class_completion(school_class, utcnow()).rows}
    assert rows["ann"].reflection_percent == pytest.approx(75.0)
    assert rows["bob"].reflection_percent == 0.0  # the report is not a reflection
    assert (rows["ann"].attendance_rate, rows["bob"].attendance_rate) == (1.0, 0.5)
    assert rows["ann"].units_total > 0 and rows["ann"].units_done == 0
    assert rows["ann"].exam_percent is None
    ann_reasons = [str(r) for r in rows["ann"].reasons]
    assert "Final exam not taken" in ann_reasons
    assert "Attendance 50%, below 75%" in [str(r) for r in rows["bob"].reasons]
    # Exam 0 (not sat), reflection 75, attendance 100: 0.7 * 0 + 0.2 * 75 + 0.1 * 100.
    assert rows["ann"].final_grade == pytest.approx(25.0)
