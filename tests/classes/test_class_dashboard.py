"""The staff class progress dashboard: page, exports, API, permissions, filters, sorts, behind,
and a query count that does not grow with the class."""
from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert, select

from learnhub.api.openapi import document
from learnhub.auth.models import User
from learnhub.classes.attendance.models import AttendanceRecord, ClassSession
from learnhub.classes.models import ClassUnitRule, Membership
from learnhub.courses.index import content_index
from learnhub.courses.models import Course, UnitProgress
from learnhub.extensions import db
from learnhub.progress import class_dashboard as rules
from learnhub.progress.models import StudyTime
from learnhub.quizzes.models import Attempt, Quiz
from tests.support.web import login

COURSE = "party-building-online"
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)  # the clock fixture's "now"


def units():
    course = content_index().course(COURSE)
    return [u for u in content_index().units[course.id] if not u.draft]


def complete(user, unit_ids, when=NOW - timedelta(days=3), started=()):
    rows = [{"user_id": user.id, "unit_id": uid, "first_viewed_at": when, "last_viewed_at": when,
             "completed_at": when, "completion_rule": "view"} for uid in unit_ids]
    rows += [{"user_id": user.id, "unit_id": uid, "first_viewed_at": when, "last_viewed_at": when}
             for uid in started]
    if rows:
        db.session.execute(insert(UnitProgress), rows)
    db.session.commit()


def attempt(user, quiz_id, number, percent, reset=False):
    db.session.execute(insert(Attempt), [{
        "quiz_id": quiz_id, "user_id": user.id, "number": number, "state": "submitted", "seed": 1,
        "quiz_checksum": "x", "settings": {}, "started_at": NOW - timedelta(days=1),
        "submitted_at": NOW - timedelta(days=1), "percent": percent, "score": percent, "max_score": 100,
        "passed": percent >= 60, "times_graded": 1, "reset_at": NOW if reset else None}])
    db.session.commit()


@pytest.fixture
def world(make_user, make_class, clock):
    """A class (term 2026-09-01..2027-01-15: 62% gone on 2026-11-24) with three members."""
    head, grader = make_user("head", role="staff"), make_user("grader", role="instructor")
    ann, bob, cai = make_user("ann"), make_user("bob"), make_user("cai")
    school_class = make_class(head=head, members=[ann, bob, cai], graders=[grader])
    for user, department, stage, number in ((ann, "一支部", "activist", "2025001"),
                                            (bob, "二支部", "candidate", "0025002"), (cai, "一支部", None, None)):
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
        membership.department, membership.stage, membership.student_no = department, stage, number
    db.session.commit()
    ids = [u.id for u in units()]
    complete(ann, ids)  # all six: complete
    complete(bob, ids[:2], started=ids[2:3])  # 2 of 6 = 33%: behind (62 - 10 = 52)
    quiz = db.session.scalar(select(Quiz).join(Course).where(Course.slug == COURSE))
    attempt(ann, quiz.id, 1, 50.0)
    attempt(ann, quiz.id, 2, 80.0)
    attempt(bob, quiz.id, 1, 95.0, reset=True)  # reset by staff: does not count
    attempt(bob, quiz.id, 2, 40.0)
    db.session.add(StudyTime(user_id=ann.id, unit_id=ids[0], course_id=units()[0].course_id,
                             day=date(2026, 11, 20), seconds=5400))
    session = ClassSession(class_id=school_class.id, title="Lecture", starts_at=NOW - timedelta(days=7),
                           ends_at=NOW - timedelta(days=7) + timedelta(hours=2))
    db.session.add(session)
    db.session.flush()
    db.session.add(AttendanceRecord(session_id=session.id, user_id=ann.id, status="present", method="qr"))
    db.session.commit()
    return {"class": school_class, "head": head, "grader": grader, "ann": ann, "bob": bob, "cai": cai,
            "quiz": quiz.slug, "units": ids}


def api_get(client, path):
    return client.get(path)


def test_best_scores_leave_out_attempts_under_another_class_exam(app, world, make_user, make_class):
    """Ann is also in another class that schedules the quiz: her 95 under that class's exam
    is its head teacher's result, not this class's; her practice and this class's exam count."""
    from learnhub.classes.exams.services import exam_key, schedule_exam

    other_head = make_user("otherhead", role="staff")
    other = make_class(head=other_head, code="OTHER", members=[world["ann"]])
    quiz = db.session.scalar(select(Quiz).join(Course).where(Course.slug == COURSE))
    window = (NOW - timedelta(days=2), NOW + timedelta(days=2))
    theirs = schedule_exam(other_head, other, COURSE, quiz.slug, *window, None)
    ours = schedule_exam(world["head"], world["class"], COURSE, quiz.slug, *window, None)
    db.session.commit()
    attempt(world["ann"], quiz.id, 3, 95.0)
    db.session.execute(Attempt.__table__.update().where(Attempt.number == 3)
                       .values(schedule_key=exam_key(theirs)))
    attempt(world["bob"], quiz.id, 3, 70.0)
    db.session.execute(Attempt.__table__.update().where(Attempt.number == 3, Attempt.user_id == world["bob"].id)
                       .values(schedule_key=exam_key(ours)))
    db.session.commit()
    rows = {r.username: r for r in rules.build(world["class"], NOW).rows}
    assert rows["ann"].best_scores == {world["quiz"]: 80.0}   # not the 95 under the other class's exam
    assert rows["bob"].best_scores == {world["quiz"]: 70.0}   # this class's exam counts
    assert {r.username: r.best_scores for r in rules.build(other, NOW).rows}["ann"] == {world["quiz"]: 95.0}


def test_rows_percent_status_scores_study_time_attendance(app, world):
    dashboard = rules.build(world["class"], NOW)
    rows = {r.username: r for r in dashboard.rows}
    assert dashboard.expected_percent == 62
    ann, bob, cai = rows["ann"], rows["bob"], rows["cai"]
    assert (ann.completed, ann.total, ann.percent, ann.status, ann.behind) == (6, 6, 100, "complete", False)
    assert (bob.completed, bob.started, bob.percent, bob.status, bob.behind) == (2, 1, 33, "in_progress", True)
    assert (cai.percent, cai.status, cai.behind) == (0, "not_started", True)
    assert ann.best_scores == {world["quiz"]: 80.0}
    assert bob.best_scores == {world["quiz"]: 40.0}  # the reset 95 is left out
    assert ann.study_seconds == 5400 and ann.study_hours == 1.5 and bob.study_seconds == 0
    assert ann.attendance_rate == 1.0 and bob.attendance_rate == 0.0
    assert ann.completed_on == date(2026, 11, 21)
    assert [r.username for r in dashboard.rows] == ["ann", "bob", "cai"]  # staff are not rows


def test_optional_units_leave_the_total(app, world):
    db.session.add(ClassUnitRule(class_id=world["class"].id, unit_id=world["units"][5], required=False))
    db.session.commit()
    rows = {r.username: r for r in rules.build(world["class"], NOW).rows}
    assert (rows["bob"].completed, rows["bob"].total) == (2, 5)


@pytest.mark.parametrize(("today", "expected"), [
    (date(2026, 8, 1), 0.0), (date(2026, 9, 1), 0.0), (date(2026, 11, 8), 68 / 136),
    (date(2027, 1, 15), 1.0), (date(2027, 3, 1), 1.0)])
def test_expected_share_of_the_term(app, world, today, expected):
    assert rules.expected_share(world["class"], today) == pytest.approx(expected)


def test_behind_margin():
    assert rules.is_behind(41, "in_progress", 52) is True
    assert rules.is_behind(42, "in_progress", 52) is False  # exactly the margin: not behind
    assert rules.is_behind(0, "not_started", 5) is False  # the first days of the term
    assert rules.is_behind(100, "complete", 100) is False


@pytest.mark.parametrize(("args", "names"), [
    ({"department": "一支部"}, ["ann", "cai"]),
    ({"stage": "candidate"}, ["bob"]),
    ({"status": "complete"}, ["ann"]),
    ({"status": "not_started"}, ["cai"]),
    ({"behind": "1"}, ["bob", "cai"]),
    ({"behind": "0"}, ["ann"]),
    ({"sort": "-percent"}, ["ann", "bob", "cai"]),
    ({"sort": "percent"}, ["cai", "bob", "ann"]),
    ({"sort": "study_seconds"}, ["bob", "cai", "ann"]),
    ({"sort": "-attendance_rate"}, ["ann", "bob", "cai"]),
    ({"sort": "stage"}, ["ann", "bob", "cai"]),  # activist, candidate, none last
    ({"sort": "-status"}, ["ann", "bob", "cai"]),
])
def test_filters_and_sorts(app, world, args, names):
    assert [r.username for r in rules.build(world["class"], NOW, args).rows] == names


def test_sort_by_quiz_and_by_unit(app, world):
    slug = world["quiz"]
    assert [r.username for r in rules.build(world["class"], NOW, {"sort": f"-quiz:{slug}"}).rows] == \
        ["ann", "bob", "cai"]  # cai has no score: last either way
    assert [r.username for r in rules.build(world["class"], NOW, {"sort": f"quiz:{slug}"}).rows] == \
        ["bob", "ann", "cai"]
    third = world["units"][2]  # ann complete, bob started, cai not started
    assert [r.username for r in rules.build(world["class"], NOW, {"sort": f"unit:{third}"}).rows] == \
        ["cai", "bob", "ann"]


def test_page_filters_drop_unknown_values(app, world):
    dashboard = rules.build(world["class"], NOW, {"status": "bogus", "sort": "password_hash"})
    assert dashboard.filters == rules.Filters()
    with pytest.raises(rules.FilterError):
        rules.build(world["class"], NOW, {"status": "bogus"}, strict=True)


# ---- the page and its exports ----------------------------------------------------------------

def test_page_for_the_head_teacher(app, client, world):
    assert login(client, "head").status_code == 302
    response = client.get(f"/classes/{world['class'].id}/progress")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "ann" in html and "bob" in html and "style=" not in html
    assert html.count('class="cell cell-complete"') == 6 + 2
    assert html.count('class="cell cell-started"') == 1
    assert 'role="img"' in html and 'aria-labelledby="chart-percent-title chart-percent-desc"' in html
    assert '<table class="visually-hidden">' in html
    filtered = client.get(f"/classes/{world['class'].id}/progress?behind=1&sort=-percent").get_data(as_text=True)
    assert ">bob</a>" in filtered and ">ann</a>" not in filtered


def test_page_grid_scrolls_in_its_box_with_the_name_column_fixed(app, client, world):
    """The grid's box scrolls (dashboard.css: .grid-wrap, sticky .name-col); the row header is
    the member's name; 学号 is a column and sorts."""
    assert login(client, "head").status_code == 302
    html = client.get(f"/classes/{world['class'].id}/progress?sort=-student_no").get_data(as_text=True)
    assert 'class="table-wrap grid-wrap"' in html and html.count('<th scope="row" class="name-col">') == 3
    assert html.index("2025001") < html.index("0025002")   # descending
    assert 'aria-sort="descending"' in html and "css/dashboard.css" in html


def test_in_progress_is_not_the_attempt_state_in_chinese(app, client, world):
    """学习中 (studying), never 作答中 (an attempt being answered): the status has its own
    context. (Until the catalog has it the page says "In progress"; never 作答中.)"""
    head = db.session.get(User, world["head"].id)
    head.locale = "zh_CN"
    db.session.commit()
    assert login(client, "head").status_code == 302
    html = client.get(f"/classes/{world['class'].id}/progress?status=in_progress").get_data(as_text=True)
    assert ">bob</a>" in html and "作答中" not in html
    assert "学习中" in html or "In progress" in html


def test_class_page_panel_links_staff_only(app, client, world):
    path = f"/classes/{world['class'].id}"
    assert login(client, "head").status_code == 302
    assert f"/classes/{world['class'].id}/progress" in client.get(path).get_data(as_text=True)
    other = app.test_client()
    assert login(other, "ann").status_code == 302
    assert "/progress" not in other.get(path).get_data(as_text=True)


def test_grader_may_see_it_members_and_other_staff_may_not(app, client, world, make_user, make_class):
    path = f"/classes/{world['class'].id}/progress"
    assert login(client, "grader").status_code == 302
    assert client.get(path).status_code == 200
    member = app.test_client()
    assert login(member, "ann").status_code == 302
    assert member.get(path).status_code == 403
    assert member.get(path + ".csv").status_code == 403
    assert member.get(f"/api/v1/classes/{world['class'].id}/progress").status_code == 403
    # A member sees only their own progress: /api/v1/progress is about the caller.
    mine = member.get("/api/v1/progress")
    if mine.status_code == 200:  # the member dashboard's endpoint (another area's)
        assert "bob" not in mine.get_data(as_text=True)
    stranger_head = make_user("elsewhere", role="staff")
    make_class(head=stranger_head, code="OTHER-1")
    stranger = app.test_client()
    assert login(stranger, "elsewhere").status_code == 302
    assert stranger.get(path).status_code == 404
    assert stranger.get(path + ".xlsx").status_code == 404
    assert stranger.get(f"/api/v1/classes/{world['class'].id}/progress").status_code == 404


def test_csv_export_has_every_member_and_neutralised_formulas(app, client, world):
    bob = db.session.get(User, world["bob"].id)
    bob.display_name = "=HYPERLINK(\"http://evil\")"
    membership = db.session.scalar(select(Membership).where(Membership.user_id == bob.id))
    membership.department = "+cmd"
    db.session.commit()
    assert login(client, "head").status_code == 302
    response = client.get(f"/classes/{world['class'].id}/progress.csv?sort=-percent")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    assert header[:5] == ["Username", "Student number", "Name", "Department or branch", "Stage"]
    assert len(header) == 12 + 1 + 6  # the columns, one quiz, six units
    assert [r[0] for r in body] == ["ann", "bob", "cai"]
    assert [r[1] for r in body] == ["2025001", "0025002", ""]
    bob_row = body[1]
    assert bob_row[2] == "'=HYPERLINK(\"http://evil\")" and bob_row[3] == "'+cmd"
    assert bob_row[7] == "33" and bob_row[8] == "In progress" and bob_row[9] == "yes"
    assert bob_row[12] == "40.0"
    assert bob_row[13:] == ["Complete", "Complete", "Started", "", "", ""]


def test_xlsx_export_is_every_page(app, client, world, make_user):
    extra = [make_user(f"m{n:03d}") for n in range(60)]  # more than one page of 50
    db.session.execute(insert(Membership), [{"class_id": world["class"].id, "user_id": u.id, "role": "member"}
                                            for u in extra])
    db.session.commit()
    assert login(client, "head").status_code == 302
    page = client.get(f"/classes/{world['class'].id}/progress").get_data(as_text=True)
    assert "Page 1 of 2" in page
    response = client.get(f"/classes/{world['class'].id}/progress.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.values)
    assert len(values) == 1 + 63
    assert values[1][0] == "ann" and values[1][7] == 100
    # 学号 as text (a leading zero kept), a frozen header row, columns as wide as their contents
    assert values[0][1] == "Student number" and values[2][1] == "0025002"
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    assert sheet.column_dimensions["B"].width == len("Student number") + 2


# ---- the API -----------------------------------------------------------------------------------

def test_api_items_filters_and_pages(app, client, world):
    assert login(client, "head").status_code == 302
    base = f"/api/v1/classes/{world['class'].id}/progress"
    body = client.get(base).get_json()
    assert body["next"] is None
    ann = body["items"][0]
    assert set(ann) == {"username", "display_name", "student_no", "department", "stage", "completed", "total",
                        "percent", "study_seconds", "best_scores", "attendance_rate", "status", "behind"}
    assert [i["student_no"] for i in body["items"]] == ["2025001", "0025002", None]
    assert set(ann) == set(document()["components"]["schemas"]["ClassProgressEntry"]["properties"])
    by_number = client.get(base + "?sort=student_no").get_json()["items"]
    assert [i["username"] for i in by_number] == ["bob", "ann", "cai"]   # text order, none last
    assert ann["best_scores"] == {world["quiz"]: 80.0} and ann["status"] == "complete"
    assert [i["username"] for i in client.get(base + "?behind=1").get_json()["items"]] == ["bob", "cai"]
    assert [i["username"] for i in client.get(base + "?department=二支部").get_json()["items"]] == ["bob"]
    first = client.get(base + "?sort=-percent&limit=2").get_json()
    assert [i["username"] for i in first["items"]] == ["ann", "bob"] and first["next"]
    second = client.get(base + f"?sort=-percent&limit=2&cursor={first['next']}").get_json()
    assert [i["username"] for i in second["items"]] == ["cai"] and second["next"] is None


def test_api_pages_are_keyset_a_member_added_before_the_cursor_neither_repeats_nor_skips(
        app, client, world, make_user):
    assert login(client, "head").status_code == 302
    base = f"/api/v1/classes/{world['class'].id}/progress"
    first = client.get(base + "?sort=-percent&limit=1").get_json()
    assert [i["username"] for i in first["items"]] == ["ann"]
    # A new member at 0% sorts after ann: the next page is bob then cai, as if nothing changed
    # before the cursor; an offset would have repeated or skipped one.
    newcomer = make_user("aaa")
    db.session.add(Membership(class_id=world["class"].id, user_id=newcomer.id, role="member"))
    db.session.commit()
    db.session.execute(Membership.__table__.delete().where(Membership.user_id == world["ann"].id))
    db.session.commit()
    second = client.get(base + f"?sort=-percent&limit=1&cursor={first['next']}").get_json()
    assert [i["username"] for i in second["items"]] == ["bob"]
    third = client.get(base + f"?sort=-percent&limit=5&cursor={second['next']}").get_json()
    assert [i["username"] for i in third["items"]] == ["aaa", "cai"] and third["next"] is None


def test_api_cursor_belongs_to_its_sort_and_a_unit_column_pages(app, client, world):
    assert login(client, "head").status_code == 302
    base = f"/api/v1/classes/{world['class'].id}/progress"
    cursor = client.get(base + "?sort=-percent&limit=1").get_json()["next"]
    response = client.get(base + f"?sort=percent&limit=1&cursor={cursor}")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_cursor"
    unit = units()[2].id  # bob started it, ann completed it, cai has not opened it
    walked, cursor = [], ""
    while cursor is not None:
        page = client.get(base + f"?sort=-unit:{unit}&limit=1" + (f"&cursor={cursor}" if cursor else "")).get_json()
        walked += [i["username"] for i in page["items"]]
        cursor = page["next"]
    assert walked == ["ann", "bob", "cai"]


def test_api_filter_values_are_named_in_the_error(app, client, world):
    assert login(client, "head").status_code == 302
    response = client.get(f"/api/v1/classes/{world['class'].id}/progress?status=done&stage=king")
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"status", "stage"}
    empty = client.get(f"/api/v1/classes/{world['class'].id}/progress?status=&stage=")
    assert empty.status_code == 200 and len(empty.get_json()["items"]) == 3  # empty: no filter


@pytest.mark.parametrize(("query", "status", "code"), [
    ("status=done", 422, "invalid_filter"), ("stage=king", 422, "invalid_filter"),
    ("behind=maybe", 422, "invalid_filter"), ("sort=password_hash", 422, "invalid_sort"),
    ("sort=-quiz:nope", 422, "invalid_sort"), ("limit=101", 400, "invalid_limit"),
    ("cursor=%%%", 400, "invalid_cursor")])
def test_api_bad_filters(app, client, world, query, status, code):
    assert login(client, "head").status_code == 302
    response = client.get(f"/api/v1/classes/{world['class'].id}/progress?{query}")
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


# ---- query counts ------------------------------------------------------------------------------

def fill_class(school_class, count: int, unit_ids: list[int], quiz_id: int, start: int) -> None:
    """`count` members with progress, study time, attempts and attendance, in Core inserts."""
    rng = random.Random(count)
    names = [f"q{start + n:05d}" for n in range(count)]
    db.session.execute(insert(User), [{"username": n, "display_name": n, "password_hash": "x", "role": "member"}
                                      for n in names])
    ids = list(db.session.scalars(select(User.id).where(User.username.in_(names))))
    db.session.execute(insert(Membership), [{"class_id": school_class.id, "user_id": i, "role": "member",
                                             "department": f"D{i % 3}"} for i in ids])
    when = NOW - timedelta(days=2)
    progress, study, attempts = [], [], []
    for uid in ids:
        for unit_id in unit_ids[:rng.randint(0, len(unit_ids))]:
            progress.append({"user_id": uid, "unit_id": unit_id, "first_viewed_at": when,
                             "last_viewed_at": when, "completed_at": when if rng.random() < .8 else None})
            study.append({"user_id": uid, "unit_id": unit_id, "course_id": units()[0].course_id,
                          "day": when.date(), "seconds": 60})
        attempts.append({"quiz_id": quiz_id, "user_id": uid, "number": 1, "state": "submitted", "seed": 1,
                         "quiz_checksum": "x", "settings": {}, "started_at": when, "percent": 70.0})
    session_id = db.session.scalars(insert(ClassSession).returning(ClassSession.id), [{
        "class_id": school_class.id, "title": "S", "starts_at": when, "ends_at": when + timedelta(hours=1)}]).one()
    db.session.execute(insert(AttendanceRecord), [{"session_id": session_id, "user_id": uid,
                                                   "status": "present", "method": "qr"} for uid in ids])
    for table, rows in ((UnitProgress, progress), (StudyTime, study), (Attempt, attempts)):
        if rows:
            db.session.execute(insert(table), rows)
    db.session.commit()


def test_query_count_does_not_grow_with_the_class(app, make_user, make_class, count_queries, clock):
    quiz_id = db.session.scalar(select(Quiz.id).join(Course).where(Course.slug == COURSE))
    unit_ids = [u.id for u in units()]
    small = make_class(head=make_user("small-head", role="staff"), code="SMALL")
    large = make_class(head=make_user("large-head", role="staff"), code="LARGE")
    fill_class(small, 10, unit_ids, quiz_id, 0)
    fill_class(large, 500, unit_ids, quiz_id, 1000)
    counts = {}
    for name, school_class in (("small", small), ("large", large)):
        client = app.test_client()
        assert login(client, f"{name}-head").status_code == 302
        for kind in ("/progress", "/progress?sort=-percent", "/progress.xlsx", "api",
                     f"/progress?sort=unit:{unit_ids[0]}"):
            path = (f"/api/v1/classes/{school_class.id}/progress" if kind == "api"
                    else f"/classes/{school_class.id}{kind}")
            client.get(path)  # warm: the first request may re-index content or refresh the session
            with count_queries() as statements:
                response = client.get(path)
            assert response.status_code == 200, path
            counts.setdefault(kind, {})[name] = len(statements)
    for path, by_size in counts.items():
        assert by_size["small"] == by_size["large"], (path, by_size)
    assert counts["/progress"]["large"] <= 20, counts


def test_the_api_reads_the_class_in_fixed_statements_without_member_objects(app, make_user, make_class,
                                                                           count_queries, clock):
    """The head teacher's API list: the same statements for 10 members as for 300, and no ORM
    object per member (only the class, loaded to authorise)."""
    from tests.support.orm_loads import orm_loads
    from tests.support.web import api_client

    quiz_id = db.session.scalar(select(Quiz.id).join(Course).where(Course.slug == COURSE))
    unit_ids = [u.id for u in units()]
    seen = {}
    for size in (10, 300):
        school_class = make_class(head=make_user(f"head{size}", role="staff"), code=f"C{size}")
        fill_class(school_class, size, unit_ids, quiz_id, size * 10)
        client = api_client(app, school_class.head)
        path = f"/api/v1/classes/{school_class.id}/progress?limit=100&sort=-percent"
        client.get(path)  # warm: the first request may re-index content
        with count_queries() as statements, orm_loads() as loaded:
            response = client.get(path)
        assert response.status_code == 200 and len(response.get_json()["items"]) == min(size, 100)
        seen[size] = (len(statements), sorted(set(loaded)), len(loaded))
    assert seen[10] == seen[300], seen
    assert seen[300][0] <= 13 and seen[300][1] == ["SchoolClass"] and seen[300][2] == 1, seen
