"""The member dashboard (home) and GET /api/v1/progress: my courses (started or assigned
through a class) with required units, next unit and study time; recent results; this
week's study time; only the caller's own; a query count that does not grow with courses."""
from __future__ import annotations

import difflib
import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from learnhub.auth import services as auth_services
from learnhub.classes.models import ClassUnitRule, Membership
from learnhub.classes.services import create_class
from learnhub.courses.catalog import get_catalog
from learnhub.courses.index import content_index, sync_all
from learnhub.courses.models import UnitProgress
from learnhub.extensions import db as _db
from learnhub.progress.member_dashboard import my_courses, study_week, week_bounds
from learnhub.progress.member_dashboard_views import hours
from learnhub.progress.models import StudyTime
from learnhub.quizzes.models import Attempt, Quiz
from tests.support.web import PASSWORD, login

COURSES = [f"c{n}" for n in range(1, 9)]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def course_files() -> dict[str, str]:
    files = {}
    for n, slug in enumerate(COURSES, 1):
        files[f"{slug}/course.md"] = f"---\ntitle: Course {n}\nsummary: S{n}\norder: {n}\n---\nText.\n"
        for u in (1, 2, 3):
            files[f"{slug}/0{u}-u{u}.md"] = f"---\ntitle: Unit {n}.{u}\n---\n## U{u}\n"
        files[f"{slug}/quizzes/q.gift"] = f"---\ntitle: Quiz {n}\n---\n::q::Is it? {{T}}\n"
    files["c1/04-draft.md"] = "---\ntitle: Draft unit\ndraft: true\n---\nLater.\n"
    return files


@pytest.fixture
def dash_app(make_app, write_content):
    root = write_content(course_files())
    app = make_app(CONTENT_DIR=str(root))
    with app.app_context():
        sync_all(_db.session, get_catalog().tree())
        _db.session.commit()
        yield app


class World:
    """Helpers writing the rows the dashboard reads (the way the features would)."""

    def __init__(self, app):
        self.app = app
        self.counter = 0

    def user(self, role="member"):
        self.counter += 1
        user = auth_services.create_user(f"m{self.counter}", PASSWORD, role)
        _db.session.commit()
        return user

    def client(self, user):
        client = self.app.test_client()
        assert login(client, user.username).status_code == 302
        return client

    def course(self, slug):
        return content_index().course(slug)

    def units(self, slug):
        return [u for u in content_index().units[self.course(slug).id] if not u.draft]

    def school_class(self, members, courses, status="running", optional=()):
        self.counter += 1
        head = self.user("staff")
        school_class = create_class(head, f"Class {self.counter}", f"K{self.counter}", date(2026, 9, 1),
                                    date(2027, 1, 15), course_slugs=list(courses), status=status)
        for member in members:
            _db.session.add(Membership(class_id=school_class.id, user_id=member.id, role="member"))
        for unit in optional:
            _db.session.add(ClassUnitRule(class_id=school_class.id, unit_id=unit.id, required=False))
        _db.session.commit()
        return school_class

    def visit(self, user, unit, at, complete=False):
        _db.session.add(UnitProgress(user_id=user.id, unit_id=unit.id, first_viewed_at=at, last_viewed_at=at,
                                     completed_at=at if complete else None,
                                     completion_rule="view" if complete else None))
        _db.session.commit()

    def study(self, user, unit, day, seconds):
        _db.session.add(StudyTime(user_id=user.id, unit_id=unit.id, course_id=unit.course_id, day=day,
                                  seconds=seconds))
        _db.session.commit()

    def attempt(self, user, course_slug, at, percent, passed, state="graded", reset=False):
        quiz = _db.session.scalar(_db.select(Quiz).where(Quiz.course_id == self.course(course_slug).id))
        number = _db.session.scalar(_db.select(_db.func.count()).select_from(Attempt).where(
            Attempt.quiz_id == quiz.id, Attempt.user_id == user.id)) + 1
        attempt = Attempt(quiz_id=quiz.id, user_id=user.id, number=number, state=state, seed=1,
                          quiz_checksum="x", settings={}, started_at=at - timedelta(minutes=5), submitted_at=at,
                          score=percent / 10 if state != "needs_grading" else None,
                          max_score=10, percent=percent if state != "needs_grading" else None,
                          passed=passed, reset_at=at if reset else None, finished_by="member")
        _db.session.add(attempt)
        _db.session.commit()
        return attempt


@pytest.fixture
def world(dash_app):
    return World(dash_app)


def section(html: str, heading_id: str) -> str:
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert match, f"no section {heading_id}"
    return match.group(1)


def cards(html: str) -> list[str]:
    return re.findall(r'<li class="card">(.*?)</li>\s*(?=<li class="card">|</ul>)', section(html, "my-courses"), re.S)


# ---- my courses ----------------------------------------------------------------------------

def test_assigned_started_and_complete_courses(world, clock):
    member = world.user()
    now = clock.now
    world.school_class([member], ["c1", "c2"])                   # c1 not started; c2 started below
    c2, c3 = world.units("c2"), world.units("c3")
    world.visit(member, c2[0], now - timedelta(hours=2), complete=True)
    world.visit(member, c2[1], now - timedelta(hours=1))         # the last unit opened, not complete
    for unit in c3:                                              # c3: started on their own, complete
        world.visit(member, unit, now - timedelta(days=1), complete=True)
    world.study(member, c2[0], date(2026, 11, 20), 5400)

    items = {i.course.slug: i for i in my_courses(member)}
    assert set(items) == {"c1", "c2", "c3"}                      # c4..c8: neither started nor assigned
    assert [i.course.slug for i in my_courses(member)] == ["c2", "c1", "c3"]  # in progress, to start, done
    assert (items["c1"].completed, items["c1"].total, items["c1"].percent) == (0, 3, 0)  # draft unit not counted
    assert items["c1"].action == "start" and items["c1"].next_unit.slug == "u1" and items["c1"].assigned
    assert (items["c2"].completed, items["c2"].percent, items["c2"].action) == (1, 33, "resume")
    assert items["c2"].next_unit.slug == "u2" and items["c2"].study_seconds == 5400
    assert items["c3"].complete and items["c3"].action == "review" and not items["c3"].assigned

    html = world.client(member).get("/").get_data(as_text=True)
    first, second, third = cards(html)
    assert "Course 2" in first and "Resume: Unit 2.2" in first and "/courses/c2/u2" in first
    assert 'value="33"' in first and "1 of 3 units" in first and "1.5 h" in first
    assert "Course 1" in second and "Start: Unit 1.1" in second and 'value="0"' in second
    assert "Assigned by your class" in second
    assert "Course 3" in third and "Review" in third and "Course complete" in third and 'value="100"' in third
    # What to do next first: my courses, then the record, then the catalog.
    assert html.index('id="my-courses"') < html.index('id="home-recent-results"') < html.index('id="catalog"')


def test_optional_units_are_not_counted(world):
    member = world.user()
    units = world.units("c1")
    world.school_class([member], ["c1"], optional=[units[2]])
    world.visit(member, units[0], datetime(2026, 11, 1, tzinfo=timezone.utc), complete=True)
    world.visit(member, units[1], datetime(2026, 11, 2, tzinfo=timezone.utc), complete=True)
    [item] = my_courses(member)
    assert (item.completed, item.total, item.percent, item.action) == (2, 2, 100, "review")
    # Optional only when every class of the member that assigns the course says so.
    world.school_class([member], ["c1"])
    [item] = my_courses(member)
    assert (item.completed, item.total, item.action) == (2, 3, "resume")
    assert item.next_unit.slug == "u3"


def test_archived_classes_and_staff_roles_assign_nothing(world):
    member = world.user()
    world.school_class([member], ["c1"], status="archived")
    staff_class = world.school_class([], ["c2"])                 # its head teacher is not a learner of it
    assert my_courses(member) == []
    head = _db.session.scalar(_db.select(Membership.user_id).where(Membership.class_id == staff_class.id))
    assert my_courses(_db.session.get(auth_services.User, head)) == []
    html = world.client(member).get("/").get_data(as_text=True)
    assert "You have not started a course yet" in section(html, "my-courses")
    assert 'id="home-recent-results"' not in html                # nothing to show yet: no empty record


# ---- recent results and study time --------------------------------------------------------------

def test_recent_results_last_five_finished_not_reset(world, clock):
    member, other = world.user(), world.user()
    now = clock.now
    for n in range(6):
        world.attempt(member, "c1", now - timedelta(days=6 - n), percent=50 + n * 10, passed=n >= 2)
    world.attempt(member, "c2", now - timedelta(minutes=5), percent=0, passed=None, state="needs_grading")
    reset = world.attempt(member, "c3", now - timedelta(minutes=1), percent=100, passed=True, reset=True)
    world.attempt(other, "c4", now, percent=99, passed=True)
    open_attempt = Attempt(quiz_id=reset.quiz_id, user_id=member.id, number=2, state="in_progress", seed=1,
                           quiz_checksum="x", settings={}, started_at=now)
    _db.session.add(open_attempt)
    _db.session.commit()

    html = section(world.client(member).get("/").get_data(as_text=True), "home-recent-results")
    items = re.findall(r'<li class="unit-item">(.*?)</li>', html, re.S)
    assert len(items) == 5
    assert "Quiz 2" in items[0] and "Waiting for grading" in items[0]
    assert "Quiz 1" in items[1] and "100%" in items[1] and "(10/10)" in items[1] and "Passed" in items[1]
    assert "90%" in items[2] and "60%" not in html                 # the two oldest fall off
    assert "Quiz 3" not in html and "Quiz 4" not in html          # reset, someone else's
    assert f"/attempts/{open_attempt.id}" not in html and f"/attempts/{reset.id}" not in html
    assert re.search(r'href="/attempts/\d+"', items[1])


def test_not_passed_is_said(world, clock):
    member = world.user()
    world.attempt(member, "c1", clock.now, percent=40, passed=False)
    html = section(world.client(member).get("/").get_data(as_text=True), "home-recent-results")
    assert "40%" in html and "Not passed" in html


def test_study_time_this_week_monday_to_sunday_in_timezone(world, clock):
    member = world.user()
    unit, other_course_unit = world.units("c1")[0], world.units("c2")[0]
    # clock: Tuesday 2026-11-24 20:00 in Shanghai; the week is Mon 23 .. Sun 29.
    assert week_bounds(clock.now, SHANGHAI) == (date(2026, 11, 23), date(2026, 11, 29))
    world.study(member, unit, date(2026, 11, 22), 3600)           # last Sunday
    world.study(member, unit, date(2026, 11, 23), 1800)
    world.study(member, other_course_unit, date(2026, 11, 23), 900)
    world.study(member, unit, date(2026, 11, 29), 2700)
    world.study(member, unit, date(2026, 11, 30), 600)            # next Monday
    world.study(world.user(), unit, date(2026, 11, 24), 7200)     # someone else
    week = study_week(member, clock.now, SHANGHAI)
    assert week.total_seconds == 5400
    assert dict(week.seconds_by_day)[date(2026, 11, 23)] == 2700

    html = section(world.client(member).get("/").get_data(as_text=True), "home-study-week")
    assert "1.5 h" in html and "Mon, Nov 23" in html and "Sun, Nov 29" in html and "0.8 h" in html
    # Sunday 29th 17:00 UTC is already Monday 30th in Shanghai: a new week.
    clock.now = datetime(2026, 11, 29, 17, 0, tzinfo=timezone.utc)
    assert study_week(member, clock.now, SHANGHAI).total_seconds == 600


def test_hours_are_readable():
    from flask import Flask
    from flask_babel import Babel

    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        assert hours(0) == "0 h" and hours(120) == "under 0.1 h"
        assert hours(5400) == "1.5 h" and hours(36000) == "10 h"


def test_home_in_chinese(world, clock):
    member = world.user()
    world.school_class([member], ["c1"])
    world.study(member, world.units("c1")[0], date(2026, 11, 24), 5400)
    client = world.client(member)
    html = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert 'lang="zh-CN"' in html and "11月24日周二" in html


# ---- the API -----------------------------------------------------------------------------------

def test_api_items_and_pagination(world, clock):
    member = world.user()
    world.school_class([member], ["c1", "c2", "c3"])
    units = world.units("c2")
    world.visit(member, units[0], clock.now, complete=True)
    world.study(member, units[0], date(2026, 11, 24), 600)
    client = world.client(member)
    body = client.get("/api/v1/progress").get_json()
    assert body["next"] is None
    assert [i["course"] for i in body["items"]] == ["c2", "c1", "c3"]
    assert body["items"][0] == {"course": "c2", "title": "Course 2", "completed": 1, "total": 3, "percent": 33,
                                "study_seconds": 600, "resume_unit": "u2", "url": "/courses/c2"}
    assert body["items"][1]["resume_unit"] == "u1" and body["items"][1]["percent"] == 0
    first = client.get("/api/v1/progress?limit=2").get_json()
    assert [i["course"] for i in first["items"]] == ["c2", "c1"] and first["next"]
    rest = client.get(f"/api/v1/progress?limit=2&cursor={first['next']}").get_json()
    assert [i["course"] for i in rest["items"]] == ["c3"] and rest["next"] is None
    assert client.get("/api/v1/progress?limit=0").status_code == 400
    assert client.get("/api/v1/progress?cursor=nope").status_code == 400


def test_members_see_only_their_own(world, clock):
    member, other = world.user(), world.user()
    world.school_class([other], ["c1"])
    for unit in world.units("c2"):
        world.visit(other, unit, clock.now, complete=True)
    world.attempt(other, "c2", clock.now, percent=90, passed=True)
    client = world.client(member)
    assert client.get("/api/v1/progress").get_json() == {"items": [], "next": None}
    html = client.get("/").get_data(as_text=True)
    assert "You have not started a course yet" in section(html, "my-courses")
    assert "Quiz 2" not in html
    theirs = world.client(other).get("/api/v1/progress").get_json()["items"]
    assert [(i["course"], i["percent"]) for i in theirs] == [("c1", 0), ("c2", 100)]
    assert world.app.test_client().get("/api/v1/progress").status_code == 401


# ---- a fixed number of queries ---------------------------------------------------------------

def fill(world, member, slugs, clock):
    """A class assigning `slugs` with an optional unit, progress, study time and attempts in each."""
    world.school_class([member], slugs, optional=[world.units(slugs[0])[2]])
    for slug in slugs:
        units = world.units(slug)
        world.visit(member, units[0], clock.advance(minutes=1), complete=True)
        world.visit(member, units[1], clock.advance(minutes=1))
        world.study(member, units[0], date(2026, 11, 24), 300)
        world.attempt(member, slug, clock.advance(minutes=1), percent=70, passed=True)


def test_query_count_does_not_grow_with_courses(world, clock, count_queries):
    member = world.user()
    client = world.client(member)
    fill(world, member, COURSES[:2], clock)
    client.get("/")
    with count_queries() as few:
        assert client.get("/").status_code == 200
    with count_queries() as few_api:
        assert len(client.get("/api/v1/progress").get_json()["items"]) == 2
    fill(world, member, COURSES[2:], clock)
    world.school_class([member], COURSES[:4])                    # a second class assigning some again
    client.get("/")  # the clock moved: the login session's last_seen_at is written once, not counted
    with count_queries() as many:
        html = client.get("/").get_data(as_text=True)
    with count_queries() as many_api:
        assert len(client.get("/api/v1/progress").get_json()["items"]) == 8
    assert len(cards(html)) == 8
    assert len(few) == len(many), "\n\n".join(difflib.unified_diff(few, many, lineterm=""))
    assert len(few_api) == len(many_api), (few_api, many_api)
