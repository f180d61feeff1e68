"""The accessibility audit's site (tests/browser/test_accessibility.py): the content beside
the real courses, and the users, classes and attempts its pages show (prepare_data)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from sqlalchemy import select

from learnhub.auth import services as auth_services
from learnhub.auth.models import User
from learnhub.classes.announcements.services import mark_read, post_announcement
from learnhub.classes.attendance.codes import new_nonce, ticket_for
from learnhub.classes.exams.services import schedule_exam, set_override
from learnhub.classes.models import Membership
from learnhub.classes.services import create_class
from learnhub.courses.catalog import get_catalog
from learnhub.courses.index import sync_all
from learnhub.extensions import db
from tests.support.a11y_pages import COURSE, EXAM, EXAM_COURSE
from tests.support.discussions import a11y_discussions
from tests.support.grading_assignments import a11y_assignments
from tests.support.grading_marking import a11y_grading
from tests.support.grading_regrade import a11y_near_miss
from tests.support.quizzes import ALL_TYPES_QUIZ
from tests.support.web import csrf_from, login

PASSWORD = "browser-pass-1"
# Beside the real content: a course whose quiz has every question type on one page.
EXTRA_CONTENT = {
    "a11y/course.md": "---\ntitle: Every question type\nsummary: S\n---\nA course.\n",
    "a11y/01-only.md": "---\ntitle: Only\n---\n## Text\n",
    "a11y/02-locked.md": "---\ntitle: Locked\nrequires: [only, 'quiz:gate']\n---\n## Text\n",
    "a11y/quizzes/gate.gift": "---\ntitle: Gate\n---\n::q::True? {T}\n",  # never taken: keeps 02 locked
    "a11y/quizzes/every-type.gift": ALL_TYPES_QUIZ,
    # Scheduled by two of the member's classes at once: the quiz page asks which exam.
    "a11y/quizzes/two-classes.gift": "---\ntitle: Two classes\nkind: exam\n---\n::q::True? {T}\n",
}


@dataclass
class Site:
    url: str
    ids: dict = field(default_factory=dict)
    logins: dict = field(default_factory=dict)  # who -> Playwright storage state


def sample_response(question: dict):
    options = question.get("options")
    return {"single": lambda: options[0]["id"], "multiple": lambda: [options[0]["id"]],
            "true_false": lambda: True, "short": lambda: "Beijing", "numerical": lambda: "3.14",
            "matching": lambda: {left["id"]: right["id"] for left, right in zip(options["left"], options["right"], strict=False)},
            "essay": lambda: "A few words."}[question["type"]]()


def _member_dashboard_data(member) -> None:
    """The home page's member dashboard with a course in progress and study time this week."""
    from datetime import timedelta as _timedelta
    from zoneinfo import ZoneInfo

    from learnhub.courses.models import Course, Unit, UnitProgress
    from learnhub.progress.models import StudyTime

    now = datetime.now(timezone.utc)
    units = db.session.scalars(select(Unit).join(Course, Course.id == Unit.course_id)
                               .where(Course.slug == COURSE).order_by(Unit.order)).all()
    db.session.add(UnitProgress(user_id=member.id, unit_id=units[0].id, first_viewed_at=now,
                                last_viewed_at=now, completed_at=now, completion_rule="view"))
    db.session.add(UnitProgress(user_id=member.id, unit_id=units[1].id, first_viewed_at=now, last_viewed_at=now))
    today = now.astimezone(ZoneInfo("Asia/Shanghai")).date()
    for unit, day, seconds in ((units[0], today, 1500), (units[1], today - _timedelta(days=today.weekday()), 4000)):
        db.session.add(StudyTime(user_id=member.id, unit_id=unit.id, course_id=unit.course_id, day=day,
                                 seconds=seconds))
    db.session.commit()


def _attendance_session(head, school_class) -> int:
    from datetime import datetime as _datetime, timedelta as _timedelta, timezone as _timezone

    from learnhub.classes.attendance.sessions import create_session, save_minutes

    now = _datetime.now(_timezone.utc)
    session = create_session(head, school_class, "支部大会 · Branch meeting", "meeting", now - _timedelta(minutes=5),
                             now + _timedelta(hours=3), place="Room 101",
                             meeting_url="https://meeting.example.com/j/123")
    save_minutes(head, school_class, session, "## 会议记录\n\n- Studied the report\n- **Next**: Friday", now)
    db.session.commit()
    return session.id


def _complete_units(member) -> None:
    from learnhub.courses.models import Unit, UnitProgress

    now = datetime.now(timezone.utc)
    for unit in db.session.scalars(select(Unit).join(Unit.course).where(Unit.course.has(slug="a11y"))):
        db.session.add(UnitProgress(user_id=member.id, unit_id=unit.id, first_viewed_at=now,
                                    last_viewed_at=now, completed_at=now, completion_rule="view"))
    db.session.commit()


def _certificate(app) -> dict:
    """grading.certificates: the member confirmed (overriding the rules) and given a certificate."""
    from learnhub.classes.models import SchoolClass
    from tests.support.grading_completion import matrix_certificate

    with app.app_context():
        head = db.session.scalar(select(User).where(User.username == "staffer"))
        school_class = db.session.scalar(select(SchoolClass).where(SchoolClass.code == "A11Y-2026"))
        return matrix_certificate(head, school_class, "learner")


def prepare_data(app) -> dict:
    """Users; every-type attempts submitted (result) and in progress, an exam in progress."""
    with app.app_context():
        sync_all(db.session, get_catalog().tree())
        member = auth_services.create_user("learner", PASSWORD, "member", "Li Xuexi")
        auth_services.create_user("staffer", PASSWORD, "staff", "Chen Ganshi")
        auth_services.create_user("boss", PASSWORD, "admin", "Admin")
        member.time_factor = 1.5  # the accommodations list has a row
        db.session.commit()
        head = db.session.scalar(select(User).where(User.username == "staffer"))
        school_class = create_class(head, "2026 秋季入党积极分子培训班", "A11Y-2026", date(2026, 9, 1),
                                    date(2027, 1, 15), "**Welcome** to the class.", ["a11y"])
        db.session.add(Membership(class_id=school_class.id, user_id=member.id, role="member",  # the roster's row
                                  stage="activist", stage_date=date(2025, 3, 1), student_no="2021001",
                                  department="第一党支部", location="away", location_note="深圳实习"))
        db.session.commit()
        # Announcements: one pinned and read, one unread (the class page and home panels show both).
        pinned = post_announcement(head, school_class, "Class rules", "Read **before** the first lecture.",
                                   pinned=True)
        mark_read(member, pinned)
        announcement_id = post_announcement(head, school_class, "Lecture moved to Friday",
                                            "- Room 101\n- 19:00").id
        db.session.commit()
        # A scheduled exam with an override for the member (the exams pages and panels).
        exam = schedule_exam(head, school_class, "a11y", "every-type", datetime(2020, 1, 1, tzinfo=timezone.utc),
                             datetime(2100, 1, 1, tzinfo=timezone.utc), 20 * 60)
        set_override(head, school_class, exam, member, extra_attempts=1, reason="Ill on the exam day")
        db.session.commit()
        class_exam_id = exam.id
        second = create_class(head, "2027 春季发展对象培训班", "A11Y-2027", date(2026, 9, 1), date(2027, 1, 15),
                              "", ["a11y"])
        db.session.add(Membership(class_id=second.id, user_id=member.id, role="member"))
        for each in (school_class, second):
            schedule_exam(head, each, "a11y", "two-classes", datetime(2020, 1, 1, tzinfo=timezone.utc),
                          datetime(2100, 1, 1, tzinfo=timezone.utc))
        db.session.commit()
        _member_dashboard_data(member)  # home: a course in progress, study time this week
        # A session running now with its minutes (the attendance pages and the QR screen).
        session_id = _attendance_session(head, school_class)
        # A new account that must choose its password, and a scan ticket from before a login.
        auth_services.create_user("newcomer", PASSWORD, "member", "Zhao Xinren", must_change=True)
        db.session.commit()
        ticket = ticket_for(session_id, datetime.now(timezone.utc), new_nonce())
        _complete_units(member)  # the progress dashboard's grid and charts have a complete member
        member_id, class_id = member.id, school_class.id
    client = app.test_client()
    assert login(client, "learner", PASSWORD).status_code == 302
    ids = {"member": member_id, "class": class_id}
    ids["announcement"] = announcement_id
    ids["session"] = session_id
    ids["ticket"] = ticket
    ids["class_exam"] = class_exam_id
    ids.update(_certificate(app))  # grading: the member's certificate
    ids.update(a11y_assignments(app))  # grading: assignments (tests/support/grading_assignments.py)
    ids.update(a11y_discussions(app))  # discussions: threads, replies, a report (tests/support/discussions.py)
    token = csrf_from(client, "/account")

    def start(course: str, quiz: str) -> int:
        started = client.post(f"/courses/{course}/quizzes/{quiz}/start", data={"csrf_token": token})
        assert started.status_code == 302, started.get_data(as_text=True)
        return int(started.headers["Location"].rstrip("/").rsplit("/", 1)[1])

    def answer_all(attempt_id: int, skip: int = 0):
        questions = client.get(f"/api/v1/attempts/{attempt_id}").get_json()["questions"]
        for question in [q for q in questions if q["type"] != "description"][skip:]:
            saved = client.put(f"/api/v1/attempts/{attempt_id}/answers/{question['id']}",
                               json={"response": sample_response(question)}, headers={"X-CSRFToken": token})
            assert saved.status_code == 200, saved.get_data(as_text=True)

    ids["result"] = start("a11y", "every-type")
    answer_all(ids["result"])
    submitted = client.post(f"/api/v1/attempts/{ids['result']}/submit", headers={"X-CSRFToken": token})
    assert submitted.status_code == 200, submitted.get_data(as_text=True)
    ids["attempt"] = start("a11y", "every-type")
    answer_all(ids["attempt"], skip=2)  # some answered, some not
    ids["exam"] = start(EXAM_COURSE, EXAM)
    answer_all(ids["exam"], skip=1)
    ids.update(a11y_grading(app, class_id))  # grading: the queue, after the result's essay (grading_marking.py)
    ids.update(a11y_near_miss(app))  # grading.regrade: a near-miss short answer (grading_regrade.py)
    return ids
