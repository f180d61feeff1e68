"""Results release in a real browser: a member's exam attempt says "awaiting results"; the head
teacher releases the results from the results page; the member reloads and sees the score, the
bell's count and the notice on the notifications page."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from playwright.sync_api import expect

from learnhub.auth import services as auth_services
from learnhub.classes.exams.services import schedule_exam, set_release
from learnhub.classes.models import Membership
from learnhub.classes.services import create_class
from learnhub.extensions import db
from tests.support.browser import log_in, new_page, serve_quiz_course
from tests.support.web import PASSWORD, api_client

EXAM = "---\ntitle: Final exam\nkind: exam\n---\n::tf::The Party's purpose is to serve the people. {T}\n"


def _setup(server) -> tuple[int, int, int]:
    app = server.app
    with app.app_context():
        head = auth_services.create_user("head", PASSWORD, "staff")
        member = auth_services.create_user("writer", PASSWORD, "member", "王小明")
        db.session.commit()
        school_class = create_class(head, "2026 秋季入党积极分子培训班", "R-2026", date(2026, 9, 1),
                                    date(2027, 1, 15), course_slugs=["qc"])
        db.session.add(Membership(class_id=school_class.id, user_id=member.id, role="member", student_no="2026001"))
        now = datetime.now(timezone.utc)
        exam = schedule_exam(head, school_class, "qc", "final", now - timedelta(hours=1), now + timedelta(hours=2))
        set_release(head, school_class, exam, "manual", None)
        db.session.commit()
        ids = school_class.id, exam.id
        client = api_client(app, member)
    started = client.api("POST", "/api/v1/courses/qc/quizzes/final/attempts").get_json()
    question = started["questions"][0]
    assert client.api("PUT", f"/api/v1/attempts/{started['id']}/answers/{question['id']}",
                      {"response": True}).status_code == 200
    submitted = client.api("POST", f"/api/v1/attempts/{started['id']}/submit").get_json()
    assert submitted["awaiting_results"] is True and "score" not in submitted
    return (*ids, started["id"])


def _log_in(browser, server, username: str, next_path: str):
    page, _errors = new_page(browser)
    log_in(page, server, username, next_path, PASSWORD)
    return page


def test_member_sees_the_released_result_and_the_notice(serve, browser, write_content):
    server = serve_quiz_course(serve, write_content, "final", EXAM)
    class_id, exam_id, attempt_id = _setup(server)

    member = _log_in(browser, server, "writer", f"/attempts/{attempt_id}")
    expect(member.locator("main")).to_contain_text("when the results are released")
    expect(member.locator("main .score")).to_have_count(0)

    staff = _log_in(browser, server, "head", f"/classes/{class_id}/exams/{exam_id}")
    staff.get_by_role("link", name="Results").click()
    staff.wait_for_url(f"**/classes/{class_id}/exams/{exam_id}/results")
    expect(staff.locator("main table")).to_contain_text("2026001")
    expect(staff.locator("main table")).to_contain_text("王小明")
    expect(staff.locator("main table")).to_contain_text("100.0%")
    staff.get_by_role("button", name="Release the results").click()
    staff.wait_for_url(f"**/classes/{class_id}/exams/{exam_id}/results")
    expect(staff.locator("main")).to_contain_text("The results are released.")

    member.reload()
    expect(member.locator("main .score")).to_contain_text("100")
    expect(member.locator("main")).not_to_contain_text("when the results are released")
    expect(member.locator("[data-notification-count]")).to_have_text("1")
    member.goto(f"{server.url}/notifications")
    notice = member.get_by_role("link", name="Results of Final exam are out")
    expect(notice).to_be_visible()
    notice.click()
    member.wait_for_url(f"**/attempts/{attempt_id}")
