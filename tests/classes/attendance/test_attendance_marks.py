"""Marking many members at once (the session page's one save, PUT .../attendance) and the
printable sign-in sheet (签到表)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from learnhub.classes.attendance import checkin
from learnhub.core.audit import AuditEntry
from tests.support.attendance import current_code, records
from tests.support.web import CSRF_INPUT, api_client


def mark_audits(db) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == "attendance.mark")
                              .order_by(AuditEntry.id)).all()


@pytest.fixture
def big_school(db, make_user, school):
    """The school fixture with 40 members in all."""
    from learnhub.classes.models import Membership

    for i in range(3, 41):
        user = make_user(f"member{i}")
        db.session.add(Membership(class_id=school.school_class.id, user_id=user.id, role="member"))
    db.session.commit()
    return school


def test_mark_many_through_the_api_all_audited(app, db, school, clock):
    member = api_client(app, school.members[0])
    member.api("POST", "/api/v1/checkin", {"code": current_code(app, school.session.id, clock.now)})
    head = api_client(app, school.head)
    url = f"/api/v1/sessions/{school.session.id}/attendance"
    response = head.api("PUT", url, {"marks": [
        {"username": "MEMBER1", "status": "late", "note": "Came in at 10"},
        {"username": "member2", "status": "excused"}]})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"updated": 2}
    by_user = {r.user_id: r for r in records(db)}
    assert by_user[school.members[0].id].status == "late" and by_user[school.members[0].id].method == "manual"
    assert by_user[school.members[0].id].note == "Came in at 10"
    assert by_user[school.members[1].id].status == "excused" and by_user[school.members[1].id].note is None
    audits = mark_audits(db)
    assert [(a.data["username"], a.data["status"], a.data["old_status"]) for a in audits] == [
        ("member1", "late", "present"), ("member2", "excused", None)]
    assert all(a.actor_id == school.head.id for a in audits)


@pytest.mark.parametrize("marks, field", [
    ([{"username": "member1", "status": "present"}, {"username": "nobody", "status": "present"}], "marks[1].username"),
    ([{"username": "member1", "status": "present"}, {"username": "grader", "status": "present"}], "marks[1].username"),
    ([{"username": "member1", "status": "present"}, {"username": "Member1", "status": "late"}], "marks[1].username"),
    ([{"username": "member1", "status": "present"}, {"username": "member2", "status": "asleep"}], "marks[1]"),
    ([{"username": "member1", "status": "present", "note": "x" * 501}], "marks[0]"),
    ([{"username": "member1", "status": "present", "colour": "red"}], "marks[0]"),
    ([{"username": "member1"}], "marks[0]"), (["member1"], "marks[0]"), ([{"username": 5, "status": "present"}],
                                                                         "marks[0].username"),
    ([], "marks"), ("member1", "marks"), (None, "marks"),
    ([{"username": f"m{i}", "status": "present"} for i in range(501)], "marks"),
])
def test_one_bad_mark_refuses_the_batch_and_nothing_changes(app, db, school, marks, field):
    head = api_client(app, school.head)
    response = head.api("PUT", f"/api/v1/sessions/{school.session.id}/attendance", {"marks": marks})
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid_field" and field in error["fields"], error
    assert records(db) == [] and mark_audits(db) == []


def test_mark_many_names_every_bad_mark(app, db, school):
    head = api_client(app, school.head)
    response = head.api("PUT", f"/api/v1/sessions/{school.session.id}/attendance", {"marks": [
        {"username": "ghost", "status": "present"}, {"username": "member1", "status": "present"},
        {"username": "member2", "status": "nope"}]})
    assert set(response.get_json()["error"]["fields"]) == {"marks[0].username", "marks[2]"}


def test_who_may_mark_many(app, db, make_class, school):
    url = f"/api/v1/sessions/{school.session.id}/attendance"
    body = {"marks": [{"username": "member1", "status": "present"}]}
    assert api_client(app, school.members[0]).api("PUT", url, body).status_code == 403
    assert api_client(app, make_class().head).api("PUT", url, body).status_code == 404
    assert api_client(app, school.head).api("PUT", url, {**body, "extra": 1}).status_code == 422
    assert records(db) == []
    assert api_client(app, school.grader).api("PUT", url, body).status_code == 200


def test_a_failure_part_way_through_writes_nothing(app, db, school, monkeypatch):
    """All or nothing even when the database refuses a later row: the view rolls back."""
    head = api_client(app, school.head)
    real = checkin._apply_mark
    calls = []

    def second_fails(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise checkin.AttendanceError("refused")
        return real(*args, **kwargs)

    monkeypatch.setattr(checkin, "_apply_mark", second_fails)
    response = head.api("PUT", f"/api/v1/sessions/{school.session.id}/attendance", {"marks": [
        {"username": "member1", "status": "present"}, {"username": "member2", "status": "present"}]})
    assert response.status_code == 422
    db.session.rollback()
    assert records(db) == [] and mark_audits(db) == []


def test_mark_many_on_the_session_page_with_one_save(app, db, big_school, count_queries):
    school = big_school
    head = api_client(app, school.head)
    page = head.get(f"/sessions/{school.session.id}").get_data(as_text=True)
    assert 'id="select-all"' in page and page.count('name="usernames"') == 40
    names = [f"member{i}" for i in range(1, 41) if i != 7]
    with count_queries() as queries:
        response = head.post(f"/sessions/{school.session.id}/attendance/many", data={
            "csrf_token": CSRF_INPUT.search(page).group(1), "usernames": names, "status": "present", "note": ""})
    assert response.status_code == 302
    assert len(records(db)) == 39 and {r.status for r in records(db)} == {"present"}
    assert len(mark_audits(db)) == 39
    # A bounded number of reads: the members and the existing records in one query each.
    assert sum(1 for q in queries if q.lstrip().upper().startswith("SELECT")) < 15, queries
    followed = head.get(f"/sessions/{school.session.id}").get_data(as_text=True)
    assert "Present: 39 members." in followed


def test_the_page_form_refuses_an_empty_or_bad_selection(app, db, school):
    head = api_client(app, school.head)
    page = head.get(f"/sessions/{school.session.id}").get_data(as_text=True)
    token = CSRF_INPUT.search(page).group(1)
    url = f"/sessions/{school.session.id}/attendance/many"
    empty = head.post(url, data={"csrf_token": token, "status": "present"}, follow_redirects=True)
    assert "Select the members to mark first." in empty.get_data(as_text=True)
    ghost = head.post(url, data={"csrf_token": token, "usernames": ["member1", "ghost"], "status": "late"},
                      follow_redirects=True)
    assert "No member ghost in this class." in ghost.get_data(as_text=True)
    assert head.post(url, data={"usernames": ["member1"], "status": "late"}).status_code == 400  # no CSRF
    assert records(db) == []
    member = api_client(app, school.members[0])
    assert member.post(url, data={"csrf_token": member.csrf, "usernames": ["member1"],
                                  "status": "present"}).status_code == 403


# ---- the sign-in sheet ------------------------------------------------------------------------

def test_the_sign_in_sheet_lists_the_roster_for_print(app, db, school):
    from learnhub.classes.models import Membership

    membership = db.session.scalar(select(Membership).where(Membership.user_id == school.members[0].id))
    membership.student_no, membership.department = "2026001", "Branch 1"
    db.session.commit()
    head = api_client(app, school.head)
    page = head.get(f"/sessions/{school.session.id}").get_data(as_text=True)
    assert f"/sessions/{school.session.id}/sign-in-sheet" in page
    # Times are labelled with the zone's name, on the session pages as on the sheet.
    listing = head.get(f"/classes/{school.school_class.id}/sessions").get_data(as_text=True)
    for html in (page, listing):
        assert "Beijing time" in html and "Asia/Shanghai" not in html
    sheet = head.get(f"/sessions/{school.session.id}/sign-in-sheet")
    html = sheet.get_data(as_text=True)
    assert sheet.status_code == 200
    assert "Lecture 1" in html and "Room 101" in html and "Beijing time" in html and "Asia/Shanghai" not in html
    assert "2026001" in html and "Branch 1" in html and "Signature" in html
    assert html.count('<td class="num">') == 2
    assert 'class="site-header"' not in html  # its own page, no site menu
    assert api_client(app, school.members[0]).get(f"/sessions/{school.session.id}/sign-in-sheet").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "attendance.mark")) == 0
