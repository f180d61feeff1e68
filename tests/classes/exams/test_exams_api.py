"""The exams API as declared (api/exams.py): every time carries an offset, types are checked
before the exam service's own rules, lists are keyset pages, and the document says so."""
from __future__ import annotations

from datetime import timedelta

import pytest

from learnhub.classes.exams.models import ClassExam, ExamOverride
from tests.support.exams import EXAM_QUIZ, People, z
from tests.support.factories import count
from tests.support.quizzes import T0


@pytest.fixture
def people(quiz_app, quiz_content, clock):
    quiz_content("final", EXAM_QUIZ)
    return People(quiz_app)


def assert_fields_at_fault(response, *fields):
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid_field" and set(error["fields"]) == set(fields), error


def test_a_time_without_an_offset_is_refused_everywhere(people):
    exam = people.schedule()
    url = f"{people.exams_url}/{exam['id']}"
    head = people.client("head")
    assert_fields_at_fault(head.api("PATCH", url, {"closes_at": "2026-11-24T18:00:00"}), "closes_at")
    assert_fields_at_fault(people.override(exam["id"], opens_at="2026-11-25T09:00:00",
                                         closes_at="2026-11-25T10:00"), "opens_at", "closes_at")
    assert count(ExamOverride) == 0
    assert head.api("GET", people.exams_url).get_json()["items"][0]["closes_at"] == z(T0 + timedelta(hours=2))
    # With an offset, any offset: stored in UTC.
    moved = head.api("PATCH", url, {"closes_at": "2026-11-25T02:00:00+08:00"})
    assert moved.status_code == 200 and moved.get_json()["closes_at"] == "2026-11-24T18:00:00Z"


@pytest.mark.parametrize("method, suffix, body, fields", [
    ("POST", "", {"course": "qc", "quiz": "final", "opens_at": z(T0)}, {"closes_at"}),
    ("POST", "", {"course": "qc", "quiz": "final", "opens_at": z(T0), "closes_at": z(T0 + timedelta(hours=1)),
                  "requires_courses_complete": None}, {"requires_courses_complete"}),
    ("PATCH", "/{exam}", {"requires_courses_complete": 1, "time_limit_seconds": 1.5},
     {"requires_courses_complete", "time_limit_seconds"}),
    ("PUT", "/{exam}/overrides/ann", {"reason": 5, "extra_attempts": "1"}, {"reason", "extra_attempts"}),
    ("POST", "/{exam}/resets/ann", {"reason": ["x"]}, {"reason"}),
])
def test_wrong_types_name_every_field_and_write_nothing(people, method, suffix, body, fields):
    exam = people.schedule()
    response = people.client("head").api(method, people.exams_url + suffix.format(exam=exam["id"]), body)
    assert_fields_at_fault(response, *fields)
    assert count(ClassExam) == 1 and count(ExamOverride) == 0


def test_a_bad_body_is_refused_before_looking_for_the_exam(people):
    response = people.client("head").api("PUT", f"{people.exams_url}/999999/overrides/ann", {"reason": 5})
    assert_fields_at_fault(response, "reason")
    missing = people.client("head").api("PUT", f"{people.exams_url}/999999/overrides/ann", {"reason": "r"})
    assert missing.status_code == 404


def test_the_lists_are_keyset_pages(people, quiz_content):
    for index in range(3):
        slug = quiz_content(f"extra-{index}", EXAM_QUIZ.replace("Final exam", f"Extra {index}"))
        people.schedule(slug, opens=T0 + timedelta(days=index + 1), closes=T0 + timedelta(days=index + 2))
    final = people.schedule("final")  # opens first: first in the list though scheduled last

    def walk(client, url):
        seen, cursor = [], None
        while True:
            page = client.api("GET", url + "?limit=2" + (f"&cursor={cursor}" if cursor else "")).get_json()
            seen += [item["quiz"] for item in page["items"]]
            cursor = page["next"]
            if cursor is None:
                return seen

    expected = ["final", "extra-0", "extra-1", "extra-2"]
    assert walk(people.client("ann"), people.exams_url) == expected
    assert walk(people.client("head"), people.exams_url) == expected
    assert walk(people.client("ann"), "/api/v1/me/exams") == expected
    # An exam scheduled before the cursor neither repeats nor skips one.
    first = people.client("ann").api("GET", "/api/v1/me/exams?limit=2").get_json()
    early = quiz_content("early", EXAM_QUIZ.replace("Final exam", "Early exam"))
    people.schedule(early, opens=T0 - timedelta(days=1), closes=T0 + timedelta(hours=1))
    rest = people.client("ann").api("GET", f"/api/v1/me/exams?cursor={first['next']}").get_json()
    assert [i["quiz"] for i in first["items"] + rest["items"]] == expected
    bad = people.client("ann").api("GET", "/api/v1/me/exams?cursor=nonsense")
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_cursor"
    # Overrides: by username, a page at a time.
    for name in ("bob", "ann"):
        assert people.override(final["id"], username=name, extra_attempts=1).status_code == 200
    overrides = f"{people.exams_url}/{final['id']}/overrides"
    head = people.client("head")
    page = head.api("GET", overrides + "?limit=1").get_json()
    second = head.api("GET", f"{overrides}?limit=1&cursor={page['next']}").get_json()
    assert [o["username"] for o in page["items"] + second["items"]] == ["ann", "bob"]
    assert second["next"] is None and second["items"][0]["extra_attempts"] == 1


def test_the_document_describes_the_exams_api(people):
    document = people.client("ann").api("GET", "/api/v1/openapi.json").get_json()
    schemas, paths = document["components"]["schemas"], document["paths"]
    assert schemas["Exam"]["properties"]["my_status"]["enum"] == ["upcoming", "open", "submitted", "missed"]
    assert "class" in schemas["Exam"]["required"]
    assert schemas["OverrideIn"]["required"] == ["reason"] == schemas["ResetIn"]["required"]
    assert schemas["ExamIn"]["properties"]["opens_at"]["format"] == "date-time"
    put = paths["/api/v1/classes/{id}/exams/{exam}/overrides/{username}"]["put"]
    assert put["operationId"] == "set_exam_override" and "409" in put["responses"]
    assert {p["name"] for p in paths["/api/v1/me/exams"]["get"]["parameters"]} == {"limit", "cursor"}
