"""Scheduled exams: the head teacher's schedule, overrides and resets, enforced by the quiz
engine (window, deadline, attempts), what members see, who may do what, bad input."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from learnhub.classes.exams.models import ClassExam, ExamOverride
from learnhub.classes.models import Membership
from learnhub.classes.services import create_class
from learnhub.core.audit import AuditEntry
from learnhub.extensions import db
from learnhub.quizzes.models import Attempt
from learnhub.quizzes.schedule import Schedule, pick_schedule
from tests.support.exams import EXAM_QUIZ, People, z
from tests.support.factories import count
from tests.support.quizzes import T0


@pytest.fixture
def people(quiz_app, quiz_content, clock):
    quiz_content("final", EXAM_QUIZ)
    return People(quiz_app)


# ---- scheduling ------------------------------------------------------------------------------------

def test_head_teacher_schedules_a_quiz_of_the_class(people):
    exam = people.schedule(time_limit_seconds=1200)
    assert exam["course"] == "qc" and exam["quiz"] == "final" and exam["title"] == "Final exam"
    assert exam["opens_at"] == "2026-11-24T12:00:00Z" and exam["time_limit_seconds"] == 1200
    assert exam["url"] == "/courses/qc/quizzes/final"
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "exam.schedule"))
    again = people.client("head").api("POST", people.exams_url, {
        "course": "qc", "quiz": "final", "opens_at": z(T0), "closes_at": z(T0 + timedelta(hours=1))})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "duplicate_exam"
    assert count(ClassExam) == 1


@pytest.mark.parametrize("body, code", [
    ({"course": "qc", "quiz": "nope"}, "quiz_not_in_class"),
    ({"course": "elsewhere", "quiz": "final"}, "quiz_not_in_class"),
    ({"course": "qc", "quiz": "final", "closes_at": "2026-11-24T11:00:00Z"}, "invalid_window"),
    ({"course": "qc", "quiz": "final", "closes_at": "2026-11-24T12:00:00Z"}, "invalid_window"),
    ({"course": "qc", "quiz": "final", "opens_at": "2026-11-24T12:00:00"}, "invalid_field"),  # no offset
    ({"course": "qc", "quiz": "final", "opens_at": "tomorrow"}, "invalid_field"),
    ({"course": "qc", "quiz": "final", "time_limit_seconds": 0}, "invalid_time_limit"),
    ({"course": "qc", "quiz": "final", "time_limit_seconds": "600"}, "invalid_field"),
    ({"course": 5, "quiz": "final"}, "invalid_field"),
])
def test_bad_schedules_are_422_and_write_nothing(people, body, code):
    full = {"opens_at": "2026-11-24T12:00:00Z", "closes_at": "2026-11-24T14:00:00Z", **body}
    response = people.client("head").api("POST", people.exams_url, full)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["code"] == code
    assert count(ClassExam) == 0 and count(AuditEntry) == 2  # the two class.create rows only


@pytest.mark.parametrize("name, status", [("grader", 403), ("ann", 403), ("otherhead", 404), ("boss", 201)])
def test_only_the_head_teacher_or_an_admin_schedules(people, name, status):
    response = people.client(name).api("POST", people.exams_url, {
        "course": "qc", "quiz": "final", "opens_at": z(T0), "closes_at": z(T0 + timedelta(hours=1))})
    assert response.status_code == status
    assert count(ClassExam) == (1 if status == 201 else 0)


@pytest.mark.parametrize("name, status", [("grader", 403), ("bob", 403), ("otherhead", 404)])
def test_others_cannot_override_reset_edit_or_cancel(people, name, status):
    exam = people.schedule()
    client = people.client(name)
    url = f"{people.exams_url}/{exam['id']}"
    assert client.api("PUT", f"{url}/overrides/ann", {"extra_attempts": 1, "reason": "x"}).status_code == status
    assert client.api("POST", f"{url}/resets/ann", {"reason": "x"}).status_code == status
    assert client.api("PATCH", url, {"time_limit_seconds": 60}).status_code == status
    assert client.api("DELETE", url).status_code == status
    assert count(ExamOverride) == 0 and count(ClassExam) == 1
    assert client.get(f"/classes/{people.school_class.id}/exams/{exam['id']}").status_code == status


def test_edit_and_cancel(people):
    exam = people.schedule()
    url = f"{people.exams_url}/{exam['id']}"
    head = people.client("head")
    changed = head.api("PATCH", url, {"closes_at": z(T0 + timedelta(hours=5)), "time_limit_seconds": 600})
    assert changed.status_code == 200 and changed.get_json()["closes_at"] == "2026-11-24T17:00:00Z"
    assert head.api("PATCH", url, {"closes_at": z(T0 - timedelta(hours=1))}).status_code == 422
    assert head.api("DELETE", url).status_code == 204
    assert count(ClassExam) == 0 and head.api("DELETE", url).status_code == 404
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"exam.schedule", "exam.update", "exam.cancel"} <= actions


def test_archived_class_refuses_exam_writes(people):
    exam = people.schedule()
    people.school_class.status = "archived"
    db.session.commit()
    head = people.client("head")
    assert head.api("POST", people.exams_url, {"course": "qc", "quiz": "every-type", "opens_at": z(T0),
                                               "closes_at": z(T0 + timedelta(hours=1))}).status_code == 409
    response = people.override(exam["id"], extra_attempts=1)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "class_archived"
    assert count(ExamOverride) == 0 and count(ClassExam) == 1


# ---- the engine enforces the schedule ----------------------------------------------------------------

def test_not_open_yet_then_open_then_closed(people, clock):
    people.schedule(opens=T0 + timedelta(hours=1), closes=T0 + timedelta(hours=2))
    response = people.start()
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "not_open_yet"
    # Someone outside the class keeps the quiz file's own rules (no window in the file).
    assert people.start("otherhead").status_code == 201
    clock.advance(hours=2)
    response = people.start()
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "quiz_closed"
    page = people.client("ann").get("/courses/qc/quizzes/final").get_data(as_text=True)
    assert "This quiz has closed." in page and "Activists 2026" in page


def test_an_override_gives_a_later_window_to_that_member_only(people, clock):
    exam = people.schedule(opens=T0, closes=T0 + timedelta(hours=1))
    later = T0 + timedelta(days=2)
    response = people.override(exam["id"], opens_at=z(later), closes_at=z(later + timedelta(hours=1)))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["reason"] == "Ill on the day"
    assert people.start("ann").get_json()["error"]["code"] == "not_open_yet"
    people.later(clock, days=2, minutes=10)
    assert people.start("bob").get_json()["error"]["code"] == "quiz_closed"
    started = people.start("ann")
    assert started.status_code == 201
    # Her deadline: 30 minutes, well before her own close time.
    assert started.get_json()["deadline"] == z(later + timedelta(minutes=40))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "exam.override"))
    assert entry.data["username"] == "ann" and entry.data["reason"] == "Ill on the day"


@pytest.mark.parametrize("factor, minutes", [(1.0, 40), (1.5, 60), (3.0, 90)])
def test_override_deadline_with_the_members_time_factor(people, factor, minutes):
    exam = people.schedule(opens=T0, closes=T0 + timedelta(hours=1), time_limit_seconds=20 * 60)
    people.users["ann"].time_factor = factor
    db.session.commit()
    # 40 minutes for her (× her factor), and her close time moves to 13:30: the earlier wins.
    assert people.override(exam["id"], time_limit_seconds=40 * 60,
                           closes_at=z(T0 + timedelta(minutes=90))).status_code == 200
    deadline = people.start("ann").get_json()["deadline"]
    assert deadline == z(T0 + timedelta(minutes=minutes))
    # Bob has the exam's 20 minutes; the file's 30 do not apply.
    assert people.start("bob").get_json()["deadline"] == z(T0 + timedelta(minutes=20))


def test_the_exam_close_time_caps_the_deadline(people):
    people.schedule(opens=T0, closes=T0 + timedelta(minutes=10))
    assert people.start("ann").get_json()["deadline"] == z(T0 + timedelta(minutes=10))


def test_extra_attempts(people):
    exam = people.schedule()
    first = people.start("ann").get_json()
    people.submit("ann", first["id"])
    refused = people.start("ann")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "no_attempts_left"
    assert people.override(exam["id"], extra_attempts=1).status_code == 200
    detail = people.client("ann").api("GET", "/api/v1/courses/qc/quizzes/final").get_json()
    assert detail["attempts_allowed"] == 2 and detail["attempts_used"] == 1
    second = people.start("ann")
    assert second.status_code == 201
    people.submit("ann", second.get_json()["id"])
    assert people.start("ann").status_code == 409
    assert people.start("bob").status_code == 201  # his own single attempt


def test_reset_attempts_no_longer_count_and_are_audited(people, clock):
    exam = people.schedule()
    first = people.start("ann").get_json()
    answer = first["questions"][0]
    people.client("ann").api("PUT", f"/api/v1/attempts/{first['id']}/answers/{answer['id']}", {"response": True})
    assert people.submit("ann", first["id"])["percent"] == 100.0
    url = f"{people.exams_url}/{exam['id']}/resets/ann"
    assert people.client("head").api("POST", url, {"reason": " "}).get_json()["error"]["code"] == "reason_required"
    response = people.client("head").api("POST", url, {"reason": "Power cut in the exam room"})
    assert response.status_code == 200 and response.get_json() == {
        "username": "ann", "reset": 1, "attempts": [first["id"]]}
    detail = people.client("ann").api("GET", "/api/v1/courses/qc/quizzes/final").get_json()
    assert detail["attempts_used"] == 0 and detail["grade_percent"] is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "exam.reset"))
    assert entry.data == {"class_id": people.school_class.id, "username": "ann",
                          "attempts": [first["id"]], "reason": "Power cut in the exam room"}
    assert entry.actor_id == people.users["head"].id
    # She starts again (number 2); while that attempt is open, a reset is refused.
    second = people.start("ann")
    assert second.status_code == 201 and second.get_json()["number"] == 2
    refused = people.client("head").api("POST", url, {"reason": "again"})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "attempt_open"
    assert db.session.get(Attempt, second.get_json()["id"]).reset_at is None
    # The reset attempt stays readable, marked.
    page = people.client("ann").get("/courses/qc/quizzes/final").get_data(as_text=True)
    assert "Reset by staff" in page


def test_reset_of_a_member_without_attempts_records_nothing(people):
    exam = people.schedule()
    response = people.client("head").api("POST", f"{people.exams_url}/{exam['id']}/resets/bob", {"reason": "r"})
    assert response.status_code == 200 and response.get_json()["reset"] == 0
    assert not db.session.scalar(select(AuditEntry).where(AuditEntry.action == "exam.reset"))


@pytest.mark.parametrize("body, code, status", [
    ({"extra_attempts": 1, "reason": ""}, "reason_required", 422),
    ({"extra_attempts": 1}, "reason_required", 422),
    ({"extra_attempts": -1, "reason": "r"}, "invalid_extra_attempts", 422),
    ({"extra_attempts": 99, "reason": "r"}, "invalid_extra_attempts", 422),
    ({"extra_attempts": True, "reason": "r"}, "invalid_field", 422),
    ({"reason": "nothing changes"}, "empty_override", 422),
    ({"closes_at": "2026-11-24T11:00:00Z", "reason": "r"}, "invalid_window", 422),
    ({"time_limit_seconds": -5, "reason": "r"}, "invalid_time_limit", 422),
])
def test_bad_overrides_are_refused_and_write_nothing(people, body, code, status):
    exam = people.schedule()
    response = people.client("head").api("PUT", f"{people.exams_url}/{exam['id']}/overrides/ann", body)
    assert response.status_code == status and response.get_json()["error"]["code"] == code
    assert count(ExamOverride) == 0
    assert not db.session.scalar(select(AuditEntry).where(AuditEntry.action == "exam.override"))


def test_overrides_only_for_members_of_the_class(people):
    exam = people.schedule()
    for username in ("grader", "otherhead", "nobody"):
        response = people.override(exam["id"], username=username, extra_attempts=1)
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_a_member"
    assert people.client("head").api("GET", f"{people.exams_url}/999999/overrides").status_code == 404


def test_an_override_is_replaced_by_the_next_one(people):
    exam = people.schedule()
    assert people.override(exam["id"], extra_attempts=2).status_code == 200
    again = people.override(exam["id"], time_limit_seconds=3600, reason="Accommodation")
    assert again.status_code == 200 and again.get_json()["extra_attempts"] == 0
    listed = people.client("head").api("GET", f"{people.exams_url}/{exam['id']}/overrides").get_json()
    assert listed["items"] == [again.get_json()]
    assert len(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "exam.override")).all()) == 2


# ---- what members see ------------------------------------------------------------------------------

def test_quiz_detail_and_intro_show_the_members_schedule(people):
    exam = people.schedule(opens=T0, closes=T0 + timedelta(hours=2), time_limit_seconds=20 * 60)
    people.override(exam["id"], closes_at=z(T0 + timedelta(hours=3)), extra_attempts=2)
    detail = people.client("ann").api("GET", "/api/v1/courses/qc/quizzes/final").get_json()
    assert (detail["opens_at"], detail["closes_at"]) == ("2026-11-24T12:00:00Z", "2026-11-24T15:00:00Z")
    assert detail["time_limit_seconds"] == 1200 and detail["attempts_allowed"] == 3
    assert detail["schedule"] == {"source": "class_exam", "id": exam["id"], "label": "Activists 2026",
                                  "override": True}
    bob = people.client("bob").api("GET", "/api/v1/courses/qc/quizzes/final").get_json()
    assert bob["closes_at"] == "2026-11-24T14:00:00Z" and bob["attempts_allowed"] == 1
    outsider = people.client("otherhead").api("GET", "/api/v1/courses/qc/quizzes/final").get_json()
    assert outsider["closes_at"] is None and outsider["time_limit_seconds"] == 1800
    page = people.client("ann").get("/courses/qc/quizzes/final").get_data(as_text=True)
    assert "20 minutes" in page and "3 of 3 left" in page and "your own schedule" in page


def test_my_status_upcoming_open_submitted_missed(people, clock, quiz_content):
    quiz_content("later", EXAM_QUIZ.replace("Final exam", "Later exam"))
    quiz_content("past", EXAM_QUIZ.replace("Final exam", "Past exam"))
    people.schedule("final", opens=T0, closes=T0 + timedelta(hours=2))
    people.schedule("later", opens=T0 + timedelta(days=1), closes=T0 + timedelta(days=2))
    people.schedule("past", opens=T0 - timedelta(days=2), closes=T0 - timedelta(days=1))
    ann = people.client("ann")

    def statuses():
        items = ann.api("GET", people.exams_url).get_json()["items"]
        return {item["quiz"]: item["my_status"] for item in items}

    assert statuses() == {"past": "missed", "final": "open", "later": "upcoming"}
    attempt = people.start("ann").get_json()
    assert statuses()["final"] == "open"
    people.submit("ann", attempt["id"])
    assert statuses() == {"past": "missed", "final": "submitted", "later": "upcoming"}
    people.later(clock, days=3)
    ann = people.client("ann")
    assert statuses() == {"past": "missed", "final": "submitted", "later": "missed"}
    staff_view = people.client("head").api("GET", people.exams_url).get_json()["items"]
    assert {item["my_status"] for item in staff_view} == {None}
    assert people.client("otherhead").api("GET", people.exams_url).status_code == 404


def test_me_exams_across_classes_with_a_fixed_number_of_queries(people, quiz_content, count_queries):
    ann = people.client("ann")
    people.schedule("final")
    with count_queries() as one:
        assert len(ann.api("GET", "/api/v1/me/exams").get_json()["items"]) == 1
    for index in range(3):
        slug = quiz_content(f"extra-{index}", EXAM_QUIZ.replace("Final exam", f"Extra {index}"))
        people.schedule(slug, opens=T0 + timedelta(days=index + 1), closes=T0 + timedelta(days=index + 2))
    extra_class = create_class(people.users["head"], "Second", "SECOND-26", date(2026, 9, 1),
                               date(2027, 1, 15), course_slugs=["qc"])
    db.session.add(Membership(class_id=extra_class.id, user_id=people.users["ann"].id, role="member"))
    db.session.commit()
    response = people.client("head").api("POST", f"/api/v1/classes/{extra_class.id}/exams", {
        "course": "qc", "quiz": "every-type", "opens_at": z(T0), "closes_at": z(T0 + timedelta(hours=1))})
    assert response.status_code == 201
    with count_queries() as many:
        items = ann.api("GET", "/api/v1/me/exams").get_json()["items"]
    assert len(items) == 5 and {i["class"]["name"] for i in items} == {"Activists 2026", "Second"}
    assert len(many) == len(one), (len(one), len(many))
    assert people.client("bob").api("GET", "/api/v1/me/exams").get_json()["items"][0]["quiz"] == "final"


def test_two_classes_scheduling_one_quiz_the_open_window_applies(people, clock):
    second = create_class(people.users["head"], "Second", "SECOND-26", date(2026, 9, 1),
                          date(2027, 1, 15), course_slugs=["qc"])
    db.session.add(Membership(class_id=second.id, user_id=people.users["ann"].id, role="member"))
    db.session.commit()
    people.schedule(opens=T0 + timedelta(days=1), closes=T0 + timedelta(days=1, hours=1))
    response = people.client("head").api("POST", f"/api/v1/classes/{second.id}/exams", {
        "course": "qc", "quiz": "final", "opens_at": z(T0 + timedelta(days=3)),
        "closes_at": z(T0 + timedelta(days=3, hours=1))})
    assert response.status_code == 201
    detail = lambda: people.client("ann").api("GET", "/api/v1/courses/qc/quizzes/final").get_json()
    assert detail()["schedule"]["label"] == "Activists 2026"  # neither open: the next to open
    people.later(clock, days=2)
    assert detail()["schedule"]["label"] == "Second"            # the first closed: the next one
    people.later(clock, days=1, minutes=5)
    assert detail()["schedule"]["label"] == "Second" and people.start("ann").status_code == 201
    people.later(clock, days=5)
    assert detail()["schedule"]["label"] == "Second"            # all closed: the one closed last


def test_pick_schedule_prefers_the_open_one_closing_last():
    def item(exam_id, opens, closes):
        return Schedule(opens_at=opens, closes_at=closes, source_id=exam_id)
    a = item(1, T0 - timedelta(hours=1), T0 + timedelta(hours=1))
    b = item(2, T0 - timedelta(hours=2), T0 + timedelta(hours=3))
    c = item(3, T0 + timedelta(hours=1), T0 + timedelta(hours=9))
    assert pick_schedule([a, b, c], T0) is b
    assert pick_schedule([a, c], T0 + timedelta(hours=1, minutes=30)) is c
    assert pick_schedule([], T0) is None


# ---- pages -----------------------------------------------------------------------------------------

def test_schedule_form_page(people):
    head = people.client("head")
    url = f"/classes/{people.school_class.id}/exams"
    page = head.get(url).get_data(as_text=True)
    assert "Schedule an exam" in page and 'value="qc/final"' in page
    bad = head.post(url, data={"csrf_token": head.csrf, "quiz": "qc/final", "opens_at": "2026-11-25T10:00",
                               "closes_at": "2026-11-25T09:00", "save": "1"})
    assert bad.status_code == 200 and "The exam must close after it opens." in bad.get_data(as_text=True)
    assert count(ClassExam) == 0
    good = head.post(url, data={"csrf_token": head.csrf, "quiz": "qc/final", "opens_at": "2026-11-25T10:00",
                                "closes_at": "2026-11-25T12:00", "time_limit_minutes": "45", "save": "1"})
    assert good.status_code == 302
    exam = db.session.scalar(select(ClassExam))
    # Typed in Asia/Shanghai (UTC+8).
    assert exam.opens_at == datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)
    assert exam.time_limit_seconds == 45 * 60
    assert people.client("ann").get(url).status_code == 200
    assert people.client("ann").post(url, data={"csrf_token": people.client("ann").csrf}).status_code == 403
    assert people.client("grader").get(f"{url}/{exam.id}").status_code == 403


def test_overrides_and_reset_forms(people):
    exam = people.schedule()
    head = people.client("head")
    manage = f"/classes/{people.school_class.id}/exams/{exam['id']}"
    page = head.get(manage).get_data(as_text=True)
    assert "Set an override" in page and "Reset attempts" in page and 'value="ann"' in page
    missing = head.post(f"{manage}/overrides", data={"csrf_token": head.csrf, "override-username": "ann",
                                                     "override-extra_attempts": "1", "override-reason": ""})
    assert missing.status_code == 200 and 'class="field-error"' in missing.get_data(as_text=True)
    assert count(ExamOverride) == 0
    saved = head.post(f"{manage}/overrides", data={
        "csrf_token": head.csrf, "override-username": "ann", "override-extra_attempts": "1",
        "override-closes_at": "2026-11-25T20:00", "override-time_limit_minutes": "60",
        "override-reason": "Hospital"})
    assert saved.status_code == 302
    override = db.session.scalar(select(ExamOverride))
    assert (override.extra_attempts, override.time_limit_seconds, override.reason) == (1, 3600, "Hospital")
    assert override.closes_at == datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
    assert "Hospital" in head.get(manage).get_data(as_text=True)
    attempt = people.start("ann").get_json()
    people.submit("ann", attempt["id"])
    reset = head.post(f"{manage}/resets", data={"csrf_token": head.csrf, "reset-username": "ann",
                                                "reset-reason": "Wrong paper"})
    assert reset.status_code == 302
    assert db.session.get(Attempt, attempt["id"]).reset_at is not None
    window = head.post(manage, data={"csrf_token": head.csrf, "window-opens_at": "2026-11-24T20:00",
                                     "window-closes_at": "2026-11-24T23:00", "window-time_limit_minutes": ""})
    assert window.status_code == 302
    cancelled = head.post(f"{manage}/cancel", data={"csrf_token": head.csrf})
    assert cancelled.status_code == 302 and count(ClassExam) == 0 and count(ExamOverride) == 0


def test_home_and_class_panels(people, clock):
    people.schedule(opens=T0 + timedelta(hours=1), closes=T0 + timedelta(hours=2))
    home = people.client("ann").get("/").get_data(as_text=True)
    exam_id = db.session.scalar(select(ClassExam.id))
    assert "My exams" in home and f'href="/courses/qc/quizzes/final?exam={exam_id}"' in home and "Upcoming" in home
    overview = people.client("ann").get(f"/classes/{people.school_class.id}").get_data(as_text=True)
    assert "Final exam" in overview and "Manage Final exam" not in overview
    staff = people.client("head").get(f"/classes/{people.school_class.id}").get_data(as_text=True)
    assert "Manage Final exam" in staff and "Schedule and manage exams" in staff
    clock.advance(hours=3)
    assert "My exams" not in people.client("ann").get("/").get_data(as_text=True)  # missed: gone


def test_an_exam_can_require_the_class_courses_complete(people):
    from learnhub.courses.models import Unit, UnitProgress

    exam = people.schedule(requires_courses_complete=True)
    assert exam["requires_courses_complete"] is True
    refused = people.start("ann")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "locked"
    assert "Quiz course" in refused.get_json()["error"]["message"]
    page = people.client("ann").get("/courses/qc/quizzes/final").get_data(as_text=True)
    assert "Locked" in page and "/courses/qc" in page
    unit = db.session.scalar(select(Unit).where(Unit.slug == "intro"))
    db.session.add(UnitProgress(user_id=people.users["ann"].id, unit_id=unit.id, first_viewed_at=T0,
                                last_viewed_at=T0, completed_at=T0, completion_rule="quiz"))
    db.session.commit()
    assert people.start("ann").status_code == 201            # her course is complete
    assert people.start("bob").status_code == 403             # his is not
    assert people.start("otherhead").status_code == 201       # not in the class: the file's rules
    relaxed = people.client("head").api("PATCH", f"{people.exams_url}/{exam['id']}",
                                        {"requires_courses_complete": False})
    assert relaxed.status_code == 200 and relaxed.get_json()["requires_courses_complete"] is False
    assert people.start("bob").status_code == 201
    bad = people.client("head").api("PATCH", f"{people.exams_url}/{exam['id']}",
                                    {"requires_courses_complete": "yes"})
    assert bad.status_code == 422
