"""Assignment pages: who may set, write, see and grade; the form fallback without JavaScript;
the member sees grade and comment only once released."""
from __future__ import annotations

from datetime import timedelta

from learnhub.extensions import db
from learnhub.grading.assignments import services as rules
from learnhub.grading.assignments.models import Assignment, Submission
from tests.support.grading_assignments import BODY, audits, count, make_assignment, notifications_of, submit
from tests.support.web import csrf_from, login

FORM = {"title": "第一次思想汇报", "kind": "report", "instructions": "谈谈**认识**", "due_at": "2026-12-01T18:00",
        "max_points": "20", "min_length": "50"}


def logged_in(app, user):
    client = app.test_client()
    assert login(client, user.username).status_code == 302
    client.token = csrf_from(client, "/account")
    return client


def post(client, path, data):
    return client.post(path, data={**data, "csrf_token": client.token})


def test_head_teacher_sets_an_assignment(app, school):
    head = logged_in(app, school.head)
    page = head.get(f"/classes/{school.school_class.id}/assignments")
    assert page.status_code == 200 and "Set an assignment" in page.get_data(as_text=True)
    response = post(head, f"/classes/{school.school_class.id}/assignments", FORM)
    assert response.status_code == 302
    assignment = db.session.scalar(db.select(Assignment))
    assert (assignment.title, assignment.kind, assignment.max_points, assignment.min_length) == (
        "第一次思想汇报", "report", 20, 50)
    assert assignment.due_at.hour == 10  # 18:00 in Asia/Shanghai


def test_grader_and_members_may_not_set_or_edit(app, school, clock):
    assignment = make_assignment(school, clock)
    for user in (school.grader, school.members[0]):
        client = logged_in(app, user)
        assert post(client, f"/classes/{school.school_class.id}/assignments", FORM).status_code == 403
        assert client.get(f"/assignments/{assignment.id}/edit").status_code == 403
        assert post(client, f"/assignments/{assignment.id}/delete", {}).status_code == 403
        # The list has no form for them.
        assert "Set an assignment" not in client.get(f"/classes/{school.school_class.id}/assignments").get_data(
            as_text=True)
    assert count(Assignment) == 1


def test_outsiders_get_404(app, school, clock, make_user, make_class):
    assignment = make_assignment(school, clock)
    submission = submit(school, assignment)
    stranger = make_user("stranger")
    make_class(members=[stranger])  # a member of another class
    other_head = make_user("otherhead", role="staff")
    make_class(head=other_head)
    for user in (stranger, other_head):
        client = logged_in(app, user)
        assert client.get(f"/classes/{school.school_class.id}/assignments").status_code == 404
        assert client.get(f"/assignments/{assignment.id}").status_code == 404
        assert client.get(f"/submissions/{submission.id}").status_code == 404
        assert post(client, f"/submissions/{submission.id}/grade",
                    {"points": "1", "version": str(submission.version)}).status_code == 404
    assert db.session.get(Submission, submission.id).state == "submitted"


def test_bad_form_changes_nothing(app, school):
    head = logged_in(app, school.head)
    for bad in ({"title": ""}, {"max_points": "0"}, {"kind": "essay"}, {"due_at": "tomorrow"},
                {"min_length": "-3"}, {"max_points": "NaN"}, {"max_points": "sNaN"}, {"max_points": "1e999999"}):
        response = post(head, f"/classes/{school.school_class.id}/assignments", {**FORM, **bad})
        assert response.status_code == 422, bad
    assert count(Assignment) == 0


def test_member_writes_without_javascript(app, school, clock):
    assignment = make_assignment(school, clock, min_length=10)
    member = logged_in(app, school.members[0])
    page = member.get(f"/assignments/{assignment.id}")
    assert page.status_code == 200 and 'id="assignment"' in page.get_data(as_text=True)
    draft = post(member, f"/assignments/{assignment.id}", {"body": "草稿", "save_draft": "Save draft"})
    assert draft.status_code == 302
    short = post(member, f"/assignments/{assignment.id}", {"body": "太短", "submit": "Submit"})
    assert short.status_code == 422 and "at least 10" in short.get_data(as_text=True)
    submission = db.session.scalar(db.select(Submission))
    assert (submission.state, submission.body) == ("draft", "草稿")
    done = post(member, f"/assignments/{assignment.id}", {"body": BODY, "submit": "Submit"})
    assert done.status_code == 302
    db.session.refresh(submission)
    assert submission.state == "submitted" and not submission.late
    assert "Submit again" in member.get(f"/assignments/{assignment.id}").get_data(as_text=True)


def test_late_submission_is_marked(app, school, clock):
    assignment = make_assignment(school, clock, due_at=clock.now - timedelta(hours=1))
    member = logged_in(app, school.members[0])
    assert "past due" in member.get(f"/assignments/{assignment.id}").get_data(as_text=True)
    assert post(member, f"/assignments/{assignment.id}", {"body": BODY, "submit": "Submit"}).status_code == 302
    assert db.session.scalar(db.select(Submission)).late
    staff_page = logged_in(app, school.grader).get(f"/assignments/{assignment.id}/submissions")
    assert staff_page.status_code == 200 and "Submitted late" in staff_page.get_data(as_text=True)


def test_staff_do_not_write_and_members_do_not_see_the_list(app, school, clock):
    assignment = make_assignment(school, clock)
    assert post(logged_in(app, school.head), f"/assignments/{assignment.id}",
                {"body": BODY, "submit": "Submit"}).status_code == 403
    member = logged_in(app, school.members[0])
    assert member.get(f"/assignments/{assignment.id}/submissions").status_code == 403
    submission = submit(school, assignment)
    assert member.get(f"/submissions/{submission.id}").status_code == 403
    assert post(member, f"/submissions/{submission.id}/grade",
                {"points": "100", "version": str(submission.version)}).status_code == 403
    assert db.session.get(Submission, submission.id).state == "submitted"


def test_grader_grades_on_the_page_and_a_stale_form_is_refused(app, school, clock):
    assignment = make_assignment(school, clock)
    submission = submit(school, assignment)
    version = submission.version
    grader, head = logged_in(app, school.grader), logged_in(app, school.head)
    page = grader.get(f"/submissions/{submission.id}")
    assert page.status_code == 200 and "学习心得体会" in page.get_data(as_text=True)
    saved = post(grader, f"/submissions/{submission.id}/grade",
                 {"points": "88", "comment": "写得好", "version": str(version), "next": "/classes"})
    assert saved.status_code == 302 and saved.headers["Location"] == "/classes"
    stale = post(head, f"/submissions/{submission.id}/grade", {"points": "10", "version": str(version)})
    assert stale.status_code == 409 and "Someone else" in stale.get_data(as_text=True)
    too_many = post(head, f"/submissions/{submission.id}/grade", {"points": "101", "version": str(version + 1)})
    assert too_many.status_code == 422
    db.session.refresh(submission)
    assert (submission.points, submission.comment) == (88, "写得好")
    assert len(audits("grade.change")) == 1
    assert post(grader, f"/submissions/{submission.id}/grade",
                {"points": "1", "version": str(version + 1), "next": "https://evil.example/"}
                ).headers["Location"].endswith(f"/assignments/{assignment.id}/submissions")


def test_member_sees_grade_and_comment_only_once_released(app, school, clock):
    assignment = make_assignment(school, clock, hold_results=True)
    submission = submit(school, assignment)
    rules.grade_submission(school.grader, submission.id, 77, "**继续努力**", submission.version)
    db.session.commit()
    member = logged_in(app, school.members[0])
    held = member.get(f"/assignments/{assignment.id}").get_data(as_text=True)
    assert "77" not in held and "继续努力" not in held and "once staff release" in held
    assert "points" not in member.get(f"/api/v1/assignments/{assignment.id}").get_json()["submission"]
    head = logged_in(app, school.head)
    assert post(logged_in(app, school.grader), f"/assignments/{assignment.id}/release", {}).status_code == 403
    assert post(head, f"/assignments/{assignment.id}/release", {}).status_code == 302
    shown = member.get(f"/assignments/{assignment.id}").get_data(as_text=True)
    assert "77 of 100" in shown and "<strong>继续努力</strong>" in shown
    assert len(notifications_of(school.members[0])) == 1
    # Nothing changes after grading.
    assert post(member, f"/assignments/{assignment.id}", {"body": "改", "submit": "Submit"}).status_code == 422
    assert db.session.get(Submission, submission.id).body == BODY


def test_delete_page(app, school, clock):
    head = logged_in(app, school.head)
    assignment = make_assignment(school, clock)
    submit(school, assignment)
    assert post(head, f"/assignments/{assignment.id}/delete", {}).status_code == 409  # submitted to
    empty = make_assignment(school, clock, title="空")
    assert post(head, f"/assignments/{empty.id}/delete", {}).status_code == 302
    assert count(Assignment) == 1


def test_class_page_panel(app, school, clock):
    assignment = make_assignment(school, clock)
    member = logged_in(app, school.members[0])
    page = member.get(f"/classes/{school.school_class.id}").get_data(as_text=True)
    assert assignment.title in page and "Not started" in page
    submit(school, assignment)
    assert assignment.title not in member.get(f"/classes/{school.school_class.id}").get_data(as_text=True)
    staff_page = logged_in(app, school.grader).get(f"/classes/{school.school_class.id}").get_data(as_text=True)
    assert assignment.title in staff_page


def test_points_that_are_not_numbers_change_nothing(app, school, clock):
    assignment = make_assignment(school, clock)
    submission = submit(school, assignment)
    grader = logged_in(app, school.grader)
    for points in ("NaN", "sNaN", "Infinity", "abc", "", "-1"):
        response = post(grader, f"/submissions/{submission.id}/grade", {"points": points, "version": "2"})
        assert response.status_code == 422, points
    response = post(grader, f"/submissions/{submission.id}/grade", {"points": "5", "version": "x"})
    assert response.status_code == 409
    assert db.session.get(Submission, submission.id).state == "submitted"


def test_staff_pages_do_not_query_per_member(app, school, clock, make_user, count_queries):
    from learnhub.classes.models import Membership

    assignment = make_assignment(school, clock)
    submit(school, assignment)
    head = logged_in(app, school.head)
    paths = (f"/assignments/{assignment.id}/submissions", f"/api/v1/assignments/{assignment.id}/submissions")

    def statements():
        counts = []
        for path in paths:
            with count_queries() as sent:
                assert head.get(path).status_code == 200
            counts.append(len(sent))
        return counts

    before = statements()
    for n in range(4):
        member = make_user(f"extra{n}")
        db.session.add(Membership(class_id=school.school_class.id, user_id=member.id, role="member"))
        db.session.commit()
        submit(school, assignment, member)
    assert statements() == before
