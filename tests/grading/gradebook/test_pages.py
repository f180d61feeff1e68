"""The gradebook page and its panel: who may see it, what it shows, its query count."""
from __future__ import annotations

from learnhub.auth.models import User
from learnhub.classes.models import Membership
from learnhub.grading.gradebook.services import class_gradebook
from tests.support.grading_gradebook import attempt, hand_in, schedule, set_assignment
from tests.support.web import login


def page_of(client, school):
    return client.get(f"/classes/{school.school_class.id}/gradebook")


def test_the_class_staff_see_it(app, school):
    exam, = schedule(school.school_class)
    counted = attempt(school.members[0], exam, 85, minutes=12.5)
    for person in (school.head, school.grader):
        client = app.test_client()
        login(client, person.username)
        response = page_of(client, school)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert f'href="/attempts/{counted.id}"' in html and "85%" in html and "12 min 30 s" in html
        assert "Passed" in html  # in words, not only a colour
        assert f'href="/classes/{school.school_class.id}/exams/{exam.id}/results"' in html


def test_others_may_not(app, school, make_user, make_class):
    other_grader = make_user("othergrader", role="instructor")
    make_class(graders=[other_grader])
    anonymous = app.test_client()
    assert page_of(anonymous, school).status_code == 302
    assert "/login" in page_of(anonymous, school).headers["Location"]
    for person, status in ((school.members[0], 403), (other_grader, 404)):
        client = app.test_client()
        login(client, person.username)
        assert page_of(client, school).status_code == status
        assert client.get(f"/classes/{school.school_class.id}/gradebook.xlsx").status_code == status


def test_the_class_page_links_it_for_staff_only(app, school):
    link = f'href="/classes/{school.school_class.id}/gradebook"'
    for person, shown in ((school.head, True), (school.grader, True), (school.members[0], False)):
        client = app.test_client()
        login(client, person.username)
        html = client.get(f"/classes/{school.school_class.id}").get_data(as_text=True)
        assert (link in html) is shown, person.username


def test_awaiting_fail_and_assignments_in_words(app, school):
    exam, = schedule(school.school_class)
    ann, bob = school.members
    attempt(ann, exam, 30, state="needs_grading")
    attempt(bob, exam, 40)
    essay = set_assignment(school.school_class, "思想汇报", 20)
    hand_in(ann, school.school_class, essay, points=17.5)
    hand_in(bob, school.school_class, essay, late=True)
    client = app.test_client()
    login(client, school.head.username)
    html = page_of(client, school).get_data(as_text=True)
    assert "Awaiting grading" in html and "Not passed" in html and "17.5" in html and "(late)" in html
    assert "思想汇报" in html


def test_sorted_by_rank_by_default_other_sorts_on_request(app, school):
    exam, = schedule(school.school_class)
    ann, bob = school.members
    attempt(ann, exam, 50)
    attempt(bob, exam, 90)
    client = app.test_client()
    login(client, school.head.username)
    html = page_of(client, school).get_data(as_text=True)
    assert html.index(f"<td>{bob.username}</td>") < html.index(f"<td>{ann.username}</td>")
    html = client.get(f"/classes/{school.school_class.id}/gradebook?sort=username").get_data(as_text=True)
    assert html.index(f"<td>{ann.username}</td>") < html.index(f"<td>{bob.username}</td>")
    assert client.get(f"/classes/{school.school_class.id}/gradebook?sort=bogus").status_code == 200


def _grow(school, db, first: int, count: int, exams, essay) -> None:
    """`count` members (bare rows: no password hashing), each with two attempts at every exam
    and a graded assignment."""
    from learnhub.grading.assignments.services import grade_submission
    from learnhub.grading.assignments.submissions import save_submission

    for i in range(first, first + count):
        user = User(username=f"bulk{i}", display_name=f"Member {i}", password_hash="x")
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(class_id=school.school_class.id, user_id=user.id, role="member",
                                  student_no=f"2026{i:04d}"))
        db.session.commit()
        for exam in exams:
            attempt(user, exam, 50 + i % 40)
            attempt(user, exam, 60, state="needs_grading")
        submission = save_submission(user, school.school_class, essay, "体会", True, now=essay.due_at)
        db.session.commit()
        grade_submission(school.head, submission.id, 10, None, submission.version)
        db.session.commit()


def test_the_query_count_does_not_grow_with_the_class(app, school, db, count_queries):
    exams = schedule(school.school_class, 2)
    essay = set_assignment(school.school_class)
    client = app.test_client()
    login(client, school.head.username)
    counts = []
    for first, size in ((0, 5), (5, 45)):  # 5 members, then 50
        _grow(school, db, first, size, exams, essay)
        db.session.refresh(school.school_class)
        with count_queries() as service:
            book = class_gradebook(school.school_class)
        assert len(book.rows) == 2 + (5 if size == 5 else 50)
        with count_queries() as page:
            assert page_of(client, school).status_code == 200
        counts.append((len(service), len(page)))
    assert counts[0] == counts[1]
    assert counts[0][0] <= 6, counts


def test_the_api_list_loads_no_object_per_member(app, school, db, count_queries):
    """The API's gradebook: fixed statements, and objects only per class, exam (and its quiz) or
    assignment (to authorise and name the columns), never per member or attempt."""
    from tests.support.orm_loads import orm_loads
    from tests.support.web import api_client

    exams = schedule(school.school_class, 2)
    essay = set_assignment(school.school_class)
    head = api_client(app, school.head)
    seen = []
    for first, size in ((0, 5), (5, 45)):
        _grow(school, db, first, size, exams, essay)
        with count_queries() as statements, orm_loads() as loaded:
            response = head.get(f"/api/v1/classes/{school.school_class.id}/gradebook?limit=100")
        assert response.status_code == 200 and len(response.get_json()["items"]) == 2 + first + size
        seen.append((len(statements), sorted(loaded)))
    assert seen[0] == seen[1], seen
    assert set(seen[1][1]) <= {"SchoolClass", "ClassExam", "Quiz", "Assignment"}, seen
