"""GET /api/v1/classes/{id}/gradebook: the fields API.md promises, ranked order, keyset pages,
who may read it."""
from __future__ import annotations

from datetime import timedelta

from tests.support.grading_gradebook import T, attempt, hand_in, schedule, set_assignment
from tests.support.web import api_client


def url(school) -> str:
    return f"/api/v1/classes/{school.school_class.id}/gradebook"


def test_items_per_member(app, school):
    exam, = schedule(school.school_class)
    ann, bob = school.members
    counted = attempt(ann, exam, 70, minutes=4, at=T)
    attempt(bob, exam, 20, state="needs_grading")
    essay = set_assignment(school.school_class)
    hand_in(ann, school.school_class, essay, points=15)
    hand_in(bob, school.school_class, essay)
    response = api_client(app, school.head).get(url(school))
    assert response.status_code == 200
    body = response.get_json()
    assert body["next"] is None
    first, second = body["items"]
    assert first == {
        "username": ann.username, "display_name": ann.display_name, "student_no": None,
        "exams": {str(exam.id): {"score": 7.0, "percent": 70.0, "passed": True, "seconds": 240,
                                 "submitted_at": "2026-10-01T09:00:00Z", "attempt": counted.id, "attempts": 1,
                                 "awaiting_grading": 0, "method": "highest"}},
        "assignments": {str(essay.id): 15.0}, "rank": 1, "total": 70.0, "total_seconds": 240}
    assert second["rank"] is None and second["total"] is None
    assert second["exams"][str(exam.id)]["percent"] is None
    assert second["exams"][str(exam.id)]["awaiting_grading"] == 1
    assert second["assignments"] == {str(essay.id): None}


def test_keyset_pages_in_ranked_order(app, school):
    exam, = schedule(school.school_class)
    ann, bob = school.members
    attempt(ann, exam, 40)
    attempt(bob, exam, 60, at=T + timedelta(days=1))
    client = api_client(app, school.grader)
    page = client.get(url(school) + "?limit=1").get_json()
    assert [i["username"] for i in page["items"]] == [bob.username] and page["next"]
    rest = client.get(url(school) + f"?limit=1&cursor={page['next']}").get_json()
    assert [i["username"] for i in rest["items"]] == [ann.username] and rest["next"] is None
    assert client.get(url(school) + "?cursor=nonsense").status_code == 400
    assert client.get(url(school) + "?limit=0").status_code == 400


def test_refused(app, school, make_user, make_class):
    assert app.test_client().get(url(school)).status_code == 401
    response = api_client(app, school.members[0]).get(url(school))
    assert response.status_code == 403 and response.get_json()["error"]["code"]
    other_grader = make_user("othergrader", role="instructor")
    make_class(graders=[other_grader])
    assert api_client(app, other_grader).get(url(school)).status_code == 404
    assert api_client(app, school.head).get("/api/v1/classes/999999/gradebook").status_code == 404


def test_bad_input_is_a_4xx(app, school):
    client = api_client(app, school.head)
    for path in ("/api/v1/classes/99999999999/gradebook", "/api/v1/classes/0/gradebook.xlsx",
                 url(school) + "?limit=abc", url(school) + "?limit=101", url(school) + "?cursor=%ff%fe"):
        assert 400 <= client.get(path).status_code < 500, path
