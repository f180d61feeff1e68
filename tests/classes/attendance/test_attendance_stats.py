"""Attendance rates: (present + late) / started sessions, excused sessions left out."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from learnhub.classes.attendance.models import AttendanceRecord, ClassSession
from learnhub.classes.attendance.stats import attendance_rates

NOW = datetime(2026, 10, 1, 12, 0, tzinfo=timezone.utc)


def test_rates(make_class, make_user, db, count_queries):
    ann, bo, cai = make_user(), make_user(), make_user()
    school_class = make_class(members=[ann, bo, cai])
    sessions = []
    for days in (3, 2, 1, -1):  # three have started, one is next week
        start = NOW - timedelta(days=days)
        session = ClassSession(class_id=school_class.id, title=f"S{days}", kind="lecture",
                               starts_at=start, ends_at=start + timedelta(hours=1))
        db.session.add(session)
        sessions.append(session)
    db.session.flush()
    marks = [(ann, 0, "present"), (ann, 1, "late"), (ann, 2, "absent"),
             (bo, 0, "excused"), (bo, 1, "present")]
    for user, index, status in marks:
        db.session.add(AttendanceRecord(session_id=sessions[index].id, user_id=user.id, status=status,
                                        method="manual"))
    db.session.commit()
    class_id = school_class.id
    with count_queries() as statements:
        rates = attendance_rates(class_id, NOW)
    assert rates == {ann.id: round(2 / 3, 4), bo.id: 0.5, cai.id: 0.0}
    assert len(statements) == 2
    assert attendance_rates(class_id, NOW - timedelta(days=10))[ann.id] is None
