"""Other parts' items in the queue: an assignment's submitted text is listed (blind) and graded
from the same page as quiz answers, through its own part's service."""
from __future__ import annotations

from learnhub.extensions import db
from learnhub.grading.assignments.models import Submission
from tests.support.grading_assignments import make_assignment, submit
from tests.support.web import api_client


def test_a_submitted_assignment_waits_in_the_queue_and_is_graded_from_its_page(app, school, clock):
    assignment = make_assignment(school, clock)
    submission = submit(school, assignment)
    grader = api_client(app, school.grader)
    queue = grader.api("GET", f"/api/v1/classes/{school.school_class.id}/grading/queue").get_json()["items"]
    assert [(i["kind"], i["submission_id"]) for i in queue] == [("submission", submission.id)]
    assert "answer_id" not in queue[0] and "username" not in queue[0]
    url = f"/classes/{school.school_class.id}/grading/a{assignment.id}"
    html = grader.get(url).get_data(as_text=True)
    assert "Answer 1 of 1" in html and school.members[0].display_name not in html
    key = f"submission-{submission.id}"
    response = grader.post(url, data={"csrf_token": grader.csrf, "item": key, f"points-{key}": "88",
                                      f"version-{key}": str(submission.version)})
    assert response.status_code == 302
    db.session.expire_all()
    graded = db.session.get(Submission, submission.id)
    assert (graded.state, graded.points) == ("graded", 88)
