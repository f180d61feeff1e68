"""The grading queue in a real browser: a grader opens it from the class page, grades a member's
essay (names hidden), and the member's attempt becomes graded with its score."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from playwright.sync_api import expect

from learnhub.auth import services as auth_services
from learnhub.classes.exams.services import schedule_exam
from learnhub.classes.models import Membership
from learnhub.classes.services import create_class
from learnhub.extensions import db
from learnhub.quizzes.models import Attempt
from tests.support.browser import log_in, new_page, serve_quiz_course
from tests.support.grading_marking import ESSAY_EXAM
from tests.support.web import PASSWORD, api_client


def _setup(server) -> tuple[int, int]:
    app = server.app
    with app.app_context():
        head = auth_services.create_user("head", PASSWORD, "staff")
        grader = auth_services.create_user("marker", PASSWORD, "instructor")
        member = auth_services.create_user("writer", PASSWORD, "member", "王小明")
        db.session.commit()
        school_class = create_class(head, "2026 秋季入党积极分子培训班", "B-2026", date(2026, 9, 1),
                                    date(2027, 1, 15), course_slugs=["qc"])
        db.session.add(Membership(class_id=school_class.id, user_id=member.id, role="member"))
        db.session.add(Membership(class_id=school_class.id, user_id=grader.id, role="grader"))
        now = datetime.now(timezone.utc)
        schedule_exam(head, school_class, "qc", "essay", now - timedelta(hours=1), now + timedelta(hours=2))
        db.session.commit()
        class_id = school_class.id
        client = api_client(app, member)
    started = client.api("POST", "/api/v1/courses/qc/quizzes/essay/attempts").get_json()
    for question in started["questions"]:
        response = True if question["type"] == "true_false" else "入党是为了全心全意为人民服务。"
        assert client.api("PUT", f"/api/v1/attempts/{started['id']}/answers/{question['id']}",
                          {"response": response}).status_code == 200
    assert client.api("POST", f"/api/v1/attempts/{started['id']}/submit").status_code == 200
    return class_id, started["id"]


def _attempt(server, attempt_id) -> Attempt:
    with server.app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        db.session.expunge(attempt)
        return attempt


def test_a_grader_grades_an_essay_in_the_queue(serve, browser, write_content):
    server = serve_quiz_course(serve, write_content, "essay", ESSAY_EXAM)
    class_id, attempt_id = _setup(server)
    assert _attempt(server, attempt_id).state == "needs_grading"

    page, errors = new_page(browser)
    log_in(page, server, "marker", f"/classes/{class_id}", PASSWORD)

    expect(page.locator("main")).to_contain_text("1 answer waits for grading.")
    page.get_by_role("link", name="Open the grading queue").click()
    page.get_by_role("link", name="essay").click()  # the question, by its title
    expect(page.locator("legend").first).to_have_text("Answer 1 of 1")
    expect(page.locator("main")).to_contain_text("入党是为了全心全意为人民服务。")
    expect(page.locator("main")).not_to_contain_text("王小明")
    page.get_by_label("Points (0 to 10)").fill("8")
    page.get_by_label("Comment (optional)").fill("认识**深刻**")
    page.get_by_role("button", name="Save these grades").click()
    page.wait_for_url(f"**/classes/{class_id}/grading")
    expect(page.locator("main")).to_contain_text("Nothing waits for grading.")
    expect(page.locator("body")).to_contain_text("1 answer graded.")

    attempt = _attempt(server, attempt_id)
    assert (attempt.state, attempt.score, attempt.max_score, attempt.passed) == ("graded", 9.0, 11.0, True)
    assert errors == []
    page.context.close()
