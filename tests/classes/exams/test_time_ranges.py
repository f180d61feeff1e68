"""Times out of range (years outside core.times MIN_YEAR..MAX_YEAR) are a 422 or a form error,
never a 500, and nothing is stored: exams and sessions, through the API, the forms and the
services; an attempt's deadline at the end of time does not break its saves."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from learnhub.classes.attendance import sessions as attendance
from learnhub.classes.attendance.models import ClassSession
from learnhub.classes.exams import services as exam_rules
from learnhub.classes.exams.models import ClassExam
from learnhub.core.errors import DomainError
from learnhub.core.times import MAX_YEAR, MIN_YEAR, check_time, local_to_utc, parse_iso
from learnhub.quizzes.attempts import accepts_writes_until, is_expired
from tests.support.exams import EXAM_QUIZ, People, z
from tests.support.factories import count
from tests.support.quizzes import T0
from tests.support.web import csrf_from

OUT_OF_RANGE = ["0001-01-01T00:00:00+08:00", "0001-01-01T00:10:00Z", "9999-12-31T23:59:59-05:00",
                "9999-12-31T23:59:59Z", "1999-12-31T12:00:00Z", "2101-01-01T00:00:00Z"]


@pytest.fixture
def people(quiz_app, quiz_content, clock):
    quiz_app.config["PROPAGATE_EXCEPTIONS"] = False  # a bug shows as the 500 a user would get
    quiz_content("final", EXAM_QUIZ)
    quiz_content("open", "---\ntitle: Open exam\nkind: exam\n---\n::tf::True? {T}\n")
    return People(quiz_app)


def assert_invalid_field(response, field):
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    # A declared endpoint names every field at fault: this one's own message says the years.
    message = error.get("fields", {}).get(field) or error["message"]
    assert error["code"] == "invalid_field" and field in message
    assert str(MIN_YEAR) in message and str(MAX_YEAR) in message


# ---- the shared helper ------------------------------------------------------------------------------

def test_helper_range_edges(app):
    with app.test_request_context():
        assert parse_iso("2000-01-01T00:00:00Z", "t") == datetime(2000, 1, 1, tzinfo=timezone.utc)
        assert parse_iso("2100-12-31T23:59:59+08:00", "t") == datetime(2100, 12, 31, 15, 59, 59,
                                                                       tzinfo=timezone.utc)
        assert parse_iso("2026-12-01T09:00:00", "t") is None  # no offset: the caller refuses it
        zone = timezone(timedelta(hours=8))
        assert parse_iso("2026-12-01T09:00:00", "t", naive_zone=zone) == datetime(2026, 12, 1, 1,
                                                                                  tzinfo=timezone.utc)
        for value in OUT_OF_RANGE + ["0001-01-01T00:00:00"]:
            with pytest.raises(DomainError) as raised:
                parse_iso(value, "t", naive_zone=zone)
            assert (raised.value.status, raised.value.code) == (422, "invalid_field")
        with pytest.raises(DomainError):
            local_to_utc(datetime(1, 1, 1), zone)
        with pytest.raises(DomainError):
            check_time(datetime.max.replace(tzinfo=timezone.utc))
        assert local_to_utc(datetime(2026, 12, 1, 9), zone) == datetime(2026, 12, 1, 1, tzinfo=timezone.utc)


# ---- exams ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize("field", ["opens_at", "closes_at"])
def test_exam_api_refuses_times_out_of_range(people, field, value):
    body = {"course": "qc", "quiz": "final", "opens_at": "2026-11-24T12:00:00Z",
            "closes_at": "2026-11-24T14:00:00Z", field: value}
    if field == "opens_at" and value.startswith("9999"):
        body["closes_at"] = value  # only the range is wrong, not the order
    assert_invalid_field(people.client("head").api("POST", people.exams_url, body), field)
    assert count(ClassExam) == 0


def test_exam_api_edit_and_override_refuse_times_out_of_range(people):
    exam = people.schedule()
    head = people.client("head")
    edit = head.api("PATCH", f"{people.exams_url}/{exam['id']}", {"closes_at": "9999-12-31T23:59:59Z"})
    assert_invalid_field(edit, "closes_at")
    override = people.override(exam["id"], closes_at="9999-12-31T23:59:59-05:00")
    assert_invalid_field(override, "closes_at")
    assert stored_close(people, exam["id"]) == z(T0 + timedelta(hours=2))


def stored_close(people, exam_id) -> str:
    items = people.client("head").api("GET", people.exams_url).get_json()["items"]
    return next(item["closes_at"] for item in items if item["id"] == exam_id)


def test_an_untimed_exam_cannot_close_at_the_end_of_time_and_its_attempts_save(people):
    refused = people.client("head").api("POST", people.exams_url, {
        "course": "qc", "quiz": "open", "opens_at": "2026-11-24T12:00:00Z", "closes_at": "9999-12-31T23:59:59Z"})
    assert_invalid_field(refused, "closes_at")
    people.schedule(quiz="open", closes=datetime(MAX_YEAR, 12, 31, 23, 59, 59, tzinfo=timezone.utc))
    started = people.start("ann", quiz="open")
    assert started.status_code == 201, started.get_data(as_text=True)[:300]
    body = started.get_json()
    question = body["questions"][0]["id"]
    saved = people.client("ann").api("PUT", f"/api/v1/attempts/{body['id']}/answers/{question}",
                                     {"response": True})
    assert saved.status_code == 200, saved.get_data(as_text=True)[:300]


def test_a_deadline_at_the_end_of_time_plus_grace_does_not_overflow():
    end = datetime.max.replace(tzinfo=timezone.utc)
    attempt = SimpleNamespace(deadline=end - timedelta(seconds=5), grace_seconds=30, state="in_progress")
    assert accepts_writes_until(attempt) == end
    assert not is_expired(attempt, datetime(2026, 12, 1, tzinfo=timezone.utc))


def test_exam_forms_refuse_times_out_of_range(people):
    head = people.client("head")
    url = f"/classes/{people.school_class.id}/exams"
    page = head.post(url, data={"csrf_token": csrf_from(head, url), "quiz": "qc/final",
                                "opens_at": "0001-01-01T00:00", "closes_at": "2026-11-25T00:00", "save": "1"})
    assert page.status_code == 200
    assert f"between the years {MIN_YEAR} and {MAX_YEAR}" in page.get_data(as_text=True)
    assert count(ClassExam) == 0
    exam = people.schedule()
    manage = f"{url}/{exam['id']}"
    page = head.post(manage, data={"csrf_token": csrf_from(head, manage), "window-opens_at": "2026-11-24T20:00",
                                   "window-closes_at": "9999-12-31T23:59", "window-save": "1"})
    assert page.status_code == 200
    assert f"between the years {MIN_YEAR} and {MAX_YEAR}" in page.get_data(as_text=True)
    assert stored_close(people, exam["id"]) == z(T0 + timedelta(hours=2))


def test_exam_service_refuses_times_out_of_range(people):
    with pytest.raises(DomainError) as raised:
        exam_rules.schedule_exam(people.users["head"], people.school_class, "qc", "final", T0,
                                 datetime(9999, 12, 31, tzinfo=timezone.utc))
    assert (raised.value.status, raised.value.code) == (422, "invalid_field")


# ---- sessions ---------------------------------------------------------------------------------------

def sessions_url(people) -> str:
    return f"/api/v1/classes/{people.school_class.id}/sessions"


@pytest.mark.parametrize("starts_at,ends_at", [
    ("0001-01-01T08:10:00+08:00", "0001-01-01T10:00:00+08:00"),
    ("0001-01-01T00:10:00Z", "0001-01-01T02:00:00Z"),
    ("9999-12-31T20:00:00-05:00", "9999-12-31T22:00:00-05:00"),
])
def test_session_api_refuses_times_out_of_range_and_stores_nothing(people, starts_at, ends_at):
    head = people.client("head")
    response = head.api("POST", sessions_url(people), {"title": "t", "kind": "lecture", "starts_at": starts_at,
                                                       "ends_at": ends_at})
    assert_invalid_field(response, "starts_at")
    assert count(ClassSession) == 0
    assert people.client("ann").api("GET", sessions_url(people)).status_code == 200
    assert people.client("ann").get(f"/classes/{people.school_class.id}").status_code == 200


def test_session_api_refuses_a_time_without_an_offset(people):
    """API.md: times carry an offset; a naive one is 422 (it was read in TIMEZONE before)."""
    response = people.client("head").api("POST", sessions_url(people), {
        "title": "t", "kind": "lecture", "starts_at": "0001-01-01T00:10:00", "ends_at": "2026-11-25T21:00:00"})
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_field"
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"starts_at", "ends_at"} and "offset" in fields["starts_at"]
    assert count(ClassSession) == 0


def test_session_api_edit_refuses_times_out_of_range(people):
    head = people.client("head")
    created = head.api("POST", sessions_url(people), {"title": "t", "kind": "lecture",
                                                      "starts_at": "2026-11-25T19:00:00+08:00",
                                                      "ends_at": "2026-11-25T21:00:00+08:00"})
    assert created.status_code == 201
    session_id = created.get_json()["id"]
    edit = head.api("PATCH", f"/api/v1/sessions/{session_id}", {"ends_at": "9999-12-31T23:59:59Z"})
    assert_invalid_field(edit, "ends_at")
    assert head.api("GET", f"/api/v1/sessions/{session_id}").get_json()["ends_at"] == "2026-11-25T13:00:00Z"


def test_session_forms_refuse_times_out_of_range(people):
    head = people.client("head")
    url = f"/classes/{people.school_class.id}/sessions/new"
    page = head.post(url, data={"csrf_token": csrf_from(head, url), "title": "t", "kind": "lecture",
                                "starts_at": "0001-01-01T00:00", "ends_at": "0001-01-01T02:00",
                                "late_after_minutes": "10"})
    assert page.status_code == 200
    assert f"between the years {MIN_YEAR} and {MAX_YEAR}" in page.get_data(as_text=True)
    assert count(ClassSession) == 0
    session = attendance.create_session(people.users["head"], people.school_class, "t", "lecture",
                                        T0 + timedelta(days=1), T0 + timedelta(days=1, hours=2))
    from learnhub.extensions import db
    db.session.commit()
    edit = f"/sessions/{session.id}/edit"
    page = head.post(edit, data={"csrf_token": csrf_from(head, edit), "title": "t", "kind": "lecture",
                                 "starts_at": "9999-12-31T20:00", "ends_at": "9999-12-31T22:00",
                                 "late_after_minutes": "10"})
    assert page.status_code == 200
    assert f"between the years {MIN_YEAR} and {MAX_YEAR}" in page.get_data(as_text=True)


def test_session_service_refuses_times_out_of_range(people):
    with pytest.raises(DomainError) as raised:
        attendance.create_session(people.users["head"], people.school_class, "t", "lecture",
                                  datetime(1, 1, 1, 0, 10, tzinfo=timezone.utc),
                                  datetime(1, 1, 1, 2, tzinfo=timezone.utc))
    assert (raised.value.status, raised.value.code) == (422, "invalid_field")
