"""Completion rules, course percent over required units, prerequisites, recompute, heartbeat caps."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from learnhub.auth.services import create_user
from learnhub.classes.models import ClassUnitRule, Membership
from learnhub.courses.catalog import get_catalog
from learnhub.courses.index import content_index, sync_all
from learnhub.courses.models import Unit, UnitProgress
from learnhub.progress import services as progress
from learnhub.progress.heartbeat import DAY_CAP_SECONDS, MAX_BEAT_SECONDS
from learnhub.progress.models import ProgressEvent, StudyTime
from learnhub.progress.recompute import recompute_all
from learnhub.progress.rules import dwell_seconds
from tests.support.web import PASSWORD, csrf_from, login

QUIZ = "---\ntitle: Check\npass_percent: 50\n---\n::q::True? {T}\n"
CONTENT = {
    "c/course.md": "---\ntitle: Course\nsummary: S\n---\nText.\n",
    "c/01-read.md": "---\ntitle: Read\ncompletion: view\ndwell_seconds: 40\n---\n## Text\n",
    "c/02-manual.md": "---\ntitle: Manual\ncompletion: manual\n---\n## Tick\n",
    "c/03-quiz.md": "---\ntitle: Quizzed\ncompletion: quiz\nquiz: check\n---\n## Q\n",
    "c/04-locked.md": "---\ntitle: Locked\nrequires: [read, 'quiz:check']\n---\n## Secret words\n",
    "c/05-draft.md": "---\ntitle: Draft\ndraft: true\n---\n## D\n",
    "c/quizzes/check.gift": QUIZ,
    "c/quizzes/final.gift": "---\ntitle: Final\nrequires: [manual]\n---\n::q::True? {T}\n",
}


@pytest.fixture
def papp(make_app, write_content):
    app = make_app(CONTENT_DIR=str(write_content(CONTENT)))
    with app.app_context():
        from learnhub.extensions import db
        sync_all(db.session, get_catalog().tree())
        db.session.commit()
        yield app


@pytest.fixture
def member(papp, db):
    client = papp.test_client()
    user = create_user("reader", PASSWORD, "member")
    db.session.commit()
    assert login(client, "reader").status_code == 302
    client.user = user
    client.csrf = csrf_from(client, "/account")
    client.api = lambda method, path, json=None: client.open(
        path, method=method, json=json, headers={"X-CSRFToken": client.csrf})
    return client


def beat(client, unit="read", seconds=30, **extra):
    return client.api("POST", f"/api/v1/courses/c/units/{unit}/heartbeat",
                      {"visible_seconds": seconds, **extra})


def unit_id(slug):
    return next(u.id for units in content_index().units.values() for u in units if u.slug == slug)


def row(db, user, slug):
    db.session.expire_all()
    return db.session.scalar(select(UnitProgress).where(UnitProgress.user_id == user.id,
                                                        UnitProgress.unit_id == unit_id(slug)))


def events(db, user):
    return [(e.kind, e.rule) for e in db.session.scalars(
        select(ProgressEvent).where(ProgressEvent.user_id == user.id).order_by(ProgressEvent.id))]


# ---- view --------------------------------------------------------------------------------------

def test_dwell_default_is_a_share_of_estimated_minutes_with_floor_and_cap():
    from learnhub.courses.index import UnitEntry
    entry = lambda minutes, dwell=None: UnitEntry(1, 1, "u", "U", "", 1, minutes, "view", None, False,
                                                  (), dwell)
    assert dwell_seconds(entry(8)) == 240          # half of 8 minutes
    assert dwell_seconds(entry(60)) == 600         # capped at 10 minutes
    assert dwell_seconds(entry(None)) == 60
    assert dwell_seconds(entry(5, dwell=12)) == 12  # front matter override


def test_opening_and_too_short_a_dwell_do_not_complete(member, db, clock):
    member.get("/courses/c/read")
    assert row(db, member.user, "read").completed_at is None
    clock.advance(seconds=30)
    body = beat(member, seconds=30).get_json()
    assert body["completed"] is False and body["study_seconds"] == 30
    assert row(db, member.user, "read").completed_at is None


def test_dwell_reached_completes_and_says_so(member, db, clock):
    member.get("/courses/c/read")
    clock.advance(seconds=30)
    beat(member, seconds=30)
    clock.advance(seconds=30)
    body = beat(member, seconds=30).get_json()
    assert body["completed"] is True and body["progress"]["completed"] == 1
    assert "1 of 4 required units" in body["progress_text"]
    assert row(db, member.user, "read").completion_rule == "view"
    assert events(db, member.user) == [("completed", "view")]
    clock.advance(seconds=30)
    assert beat(member, seconds=30).get_json()["completed"] is True
    assert events(db, member.user) == [("completed", "view")]  # once


def test_end_reached_at_once_completes_nothing(member, db, clock):
    """Issue 11, item 5: "end reached" with no time on the page completed a unit at once."""
    member.get("/courses/c/read")
    for _ in range(3):
        assert beat(member, seconds=0, reached_end=True).get_json()["completed"] is False
    assert row(db, member.user, "read").completed_at is None


def test_end_reached_completes_after_a_third_of_the_dwell(member, db, clock):
    member.get("/courses/c/read")          # dwell 40 s: the end counts from 14 s on
    clock.advance(seconds=5)
    assert beat(member, seconds=5, reached_end=True).get_json()["completed"] is False
    clock.advance(seconds=8)
    body = beat(member, seconds=8, reached_end=True).get_json()
    assert body["completed"] is False and body["unit_study_seconds"] == 13
    clock.advance(seconds=1)
    assert beat(member, seconds=1).get_json()["completed"] is False   # 14 s, but not at the end
    clock.advance(seconds=1)
    assert beat(member, seconds=1, reached_end=True).get_json()["completed"] is True
    assert row(db, member.user, "read").completion_rule == "view"


def test_reached_end_without_a_visit_does_not_complete(member, db, clock):
    assert beat(member, seconds=5, reached_end=True).get_json()["completed"] is False


# ---- manual ------------------------------------------------------------------------------------

def test_manual_complete_and_undo_keep_history(member, db):
    path = "/api/v1/courses/c/units/manual/complete"
    assert member.api("POST", path).get_json()["completed"] is True
    assert member.api("DELETE", path).get_json()["completed"] is False
    assert row(db, member.user, "manual").completed_at is None
    assert events(db, member.user) == [("completed", "manual"), ("uncompleted", "manual")]
    refused = member.api("DELETE", "/api/v1/courses/c/units/read/complete")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "completion_rule"


def test_manual_undo_on_the_page(member, db):
    token = csrf_from(member, "/courses/c/manual")
    member.post("/courses/c/manual/complete", data={"csrf_token": token})
    page = member.get("/courses/c/manual").get_data(as_text=True)
    assert "You have completed this unit." in page and "/courses/c/manual/uncomplete" in page
    member.post("/courses/c/manual/uncomplete", data={"csrf_token": token})
    assert row(db, member.user, "manual").completed_at is None
    assert "Mark as complete" in member.get("/courses/c/manual").get_data(as_text=True)


# ---- quiz --------------------------------------------------------------------------------------

def take_quiz(client, passing: bool, slug="check"):
    attempt = client.api("POST", f"/api/v1/courses/c/quizzes/{slug}/attempts").get_json()
    question = attempt["questions"][0]
    client.api("PUT", f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}", {"response": passing})
    return client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit").get_json()


def test_failed_quiz_does_not_complete_a_later_pass_does(member, db):
    assert take_quiz(member, False)["passed"] is False
    assert row(db, member.user, "quiz") is None
    assert take_quiz(member, True)["passed"] is True
    assert row(db, member.user, "quiz").completion_rule == "quiz"
    assert events(db, member.user) == [("completed", "quiz")]


# ---- course percent ------------------------------------------------------------------------------

def test_percent_counts_required_units_not_drafts_nor_class_optional(member, db):
    course = content_index().course("c")
    member.api("POST", "/api/v1/courses/c/units/manual/complete")
    figure = progress.course_progress_for(member.user, [course])[course.id]
    assert (figure.completed, figure.total, figure.percent) == (1, 4, 25)   # the draft not counted
    from datetime import date

    from learnhub.classes.services import create_class
    head = create_user("head", PASSWORD, "staff")
    school_class = create_class(head, "Class", "K1", date(2026, 9, 1), date(2027, 1, 1), course_slugs=["c"])
    db.session.add(Membership(class_id=school_class.id, user_id=member.user.id, role="member"))
    for slug in ("read", "quiz"):
        db.session.add(ClassUnitRule(class_id=school_class.id, unit_id=unit_id(slug), required=False))
    db.session.commit()
    figure = progress.course_progress_for(member.user, [course])[course.id]
    assert (figure.completed, figure.total, figure.percent) == (1, 2, 50)
    assert [u.slug for u in progress.required_units(school_class, course)] == ["manual", "locked"]
    assert len(progress.required_units(None, course)) == 4


def test_resume_review_and_course_complete(member, db, clock):
    page = member.get("/courses/c").get_data(as_text=True)
    assert "Start the course" in page
    member.get("/courses/c/manual")
    assert "Resume: Manual" in member.get("/courses/c").get_data(as_text=True)
    course = content_index().course("c")
    member.api("POST", "/api/v1/courses/c/units/manual/complete")
    for slug in ("read", "quiz", "locked"):
        existing = row(db, member.user, slug)
        if existing is None:
            db.session.add(UnitProgress(user_id=member.user.id, unit_id=unit_id(slug), first_viewed_at=clock.now,
                                        last_viewed_at=clock.now, completed_at=clock.now))
    db.session.commit()
    page = member.get("/courses/c").get_data(as_text=True)
    assert "Course complete on" in page and "Review the course" in page
    assert progress.course_progress_for(member.user, [course])[course.id].complete
    api = member.api("GET", "/api/v1/courses/c").get_json()
    assert api["complete"] is True and api["completed_on"]


# ---- prerequisites ---------------------------------------------------------------------------------

def test_locked_unit_says_what_is_needed_page_and_api(member, db):
    page = member.get("/courses/c/locked").get_data(as_text=True)
    assert "Locked" in page and "Secret words" not in page
    assert 'href="/courses/c/read"' in page and 'href="/courses/c/quizzes/check"' in page
    body = member.api("GET", "/api/v1/courses/c/units/locked").get_json()
    assert body["locked"] is True and body["html"] == ""
    assert [m["slug"] for m in body["missing"]] == ["read", "check"]
    units = {u["slug"]: u["locked"] for u in member.api("GET", "/api/v1/courses/c").get_json()["units"]}
    assert units == {"read": False, "manual": False, "quiz": False, "locked": True}
    assert row(db, member.user, "locked") is None  # a locked unit is not visited
    assert beat(member, unit="locked").status_code == 403


def test_unit_unlocks_once_requirements_are_met(member, db, clock):
    member.get("/courses/c/read")
    clock.advance(seconds=20)
    beat(member, seconds=20, reached_end=True)   # half the dwell time and the end: read
    take_quiz(member, True)
    assert "Secret words" in member.get("/courses/c/locked").get_data(as_text=True)
    assert member.api("GET", "/api/v1/courses/c/units/locked").get_json()["locked"] is False


def test_locked_quiz_refuses_to_start(member, db):
    intro = member.get("/courses/c/quizzes/final").get_data(as_text=True)
    assert "Locked" in intro and "Start the attempt" not in intro
    refused = member.api("POST", "/api/v1/courses/c/quizzes/final/attempts")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "locked"
    assert "Manual" in refused.get_json()["error"]["message"]
    member.api("POST", "/api/v1/courses/c/units/manual/complete")
    assert member.api("POST", "/api/v1/courses/c/quizzes/final/attempts").status_code == 201


def test_requires_indexed_at_sync(papp, db):
    from learnhub.quizzes.models import Quiz
    assert db.session.scalar(select(Unit.requires).where(Unit.slug == "locked")) == ["read", "quiz:check"]
    assert db.session.scalar(select(Quiz.requires).where(Quiz.slug == "final")) == ["manual"]


def test_content_check_reports_dangling_requires_and_cycles(make_app, write_content):
    root = write_content({
        "k/course.md": "---\ntitle: K\n---\n",
        "k/01-a.md": "---\ntitle: A\nrequires: [b]\n---\n",
        "k/02-b.md": "---\ntitle: B\nrequires: ['quiz:q']\n---\n",
        "k/03-c.md": "---\ntitle: C\nrequires: [nowhere, 'quiz:missing']\n---\n",
        "k/quizzes/q.gift": "---\ntitle: Q\nrequires: [a]\n---\n::q::True? {T}\n",
    })
    app = make_app(CONTENT_DIR=str(root))
    output = app.test_cli_runner().invoke(args=["content", "check"]).output
    assert "k/03-c.md:3: requires unit 'nowhere', which does not exist" in output
    assert "requires quiz 'missing'" in output
    assert "requires make a cycle: a -> b -> quiz:q -> a" in output


# ---- recompute -------------------------------------------------------------------------------------

def test_recompute_takes_back_unmet_and_gives_met_keeping_history(member, papp, db, clock):
    member.api("POST", "/api/v1/courses/c/units/manual/complete")
    member.get("/courses/c/read")
    for _ in range(2):
        clock.advance(seconds=30)
        beat(member, seconds=30)
    assert row(db, member.user, "read").completed_at is not None
    # the rules change: read now asks for 2 minutes, manual becomes a quiz unit
    root = get_catalog().root
    (root / "c" / "01-read.md").write_text("---\ntitle: Read\ndwell_seconds: 120\n---\n## Text\n")
    (root / "c" / "02-manual.md").write_text("---\ntitle: Manual\ncompletion: quiz\nquiz: check\n---\n## T\n")
    sync_all(db.session, get_catalog().tree())
    db.session.commit()
    member.get("/courses/c")  # the process's index follows
    result = recompute_all()
    db.session.commit()
    assert (result.completed, result.uncompleted) == (0, 1)  # view earned stays; manual->quiz unmet
    assert row(db, member.user, "read").completed_at is not None
    assert row(db, member.user, "manual").completed_at is None
    assert events(db, member.user) == [("completed", "manual"), ("completed", "view"),
                                       ("uncompleted", "recompute")]
    take_quiz(member, True)   # completes both quiz units through the signal
    assert row(db, member.user, "manual").completed_at is not None
    output = papp.test_cli_runner().invoke(args=["progress", "recompute", "--keep-earned"]).output
    assert "0 completed, 0 taken back" in output


# ---- heartbeat caps ---------------------------------------------------------------------------------

def test_heartbeat_caps_a_beat_by_real_time_and_its_maximum(member, db, clock):
    member.get("/courses/c/manual")
    clock.advance(seconds=10)
    assert beat(member, "manual", seconds=30).get_json()["credited_seconds"] == 10  # 10 s since opening
    clock.advance(seconds=600)
    assert beat(member, "manual", seconds=600).get_json()["credited_seconds"] == MAX_BEAT_SECONDS


def test_second_tab_on_another_unit_counts_once(member, db, clock):
    member.get("/courses/c/manual")
    member.get("/courses/c/quiz")
    clock.advance(seconds=30)
    total = 0
    for _ in range(4):
        clock.advance(seconds=15)
        total += beat(member, "manual", seconds=30).get_json()["credited_seconds"]
        clock.advance(seconds=15)
        total += beat(member, "quiz", seconds=30).get_json()["credited_seconds"]
    assert total <= 30 + 120  # the real time that passed, not twice it
    assert beat(member, "manual", seconds=30).get_json()["credited_seconds"] == 0  # no time passed


def test_idle_page_sends_nothing_and_a_late_beat_adds_one_beat(member, db, clock):
    member.get("/courses/c/manual")
    clock.advance(hours=3)   # idle or hidden: the page sent nothing
    assert beat(member, "manual", seconds=3 * 3600).get_json()["credited_seconds"] == MAX_BEAT_SECONDS


def test_day_cap(member, db, clock):
    member.get("/courses/c/manual")
    db.session.add(StudyTime(user_id=member.user.id, unit_id=unit_id("manual"), course_id=content_index().course("c").id,
                             day=clock.now.date(), seconds=DAY_CAP_SECONDS - 20, last_beat_at=clock.now))
    db.session.commit()
    clock.advance(seconds=60)
    assert beat(member, "manual", seconds=60).get_json()["credited_seconds"] == 20
    clock.advance(seconds=60)
    assert beat(member, "manual", seconds=60).get_json()["credited_seconds"] == 0


def test_day_cap_starts_again_at_local_midnight(member, papp, db, clock):
    """The day is the member's day in TIMEZONE: 16:00:30 UTC is already 00:00:30 of the next
    day in Shanghai (UTC+8), while the UTC date is still the same (the noon test cannot tell)."""
    assert papp.config["TIMEZONE"] == "Asia/Shanghai"
    clock.now = datetime(2026, 11, 24, 15, 58, 30, tzinfo=timezone.utc)   # 23:58:30 in Shanghai
    member.get("/courses/c/manual")
    db.session.add(StudyTime(user_id=member.user.id, unit_id=unit_id("manual"), course_id=content_index().course("c").id,
                             day=date(2026, 11, 24), seconds=DAY_CAP_SECONDS - 20))
    db.session.commit()
    clock.advance(seconds=60)   # 23:59:30 there: the capped day still
    assert beat(member, "manual", seconds=60).get_json()["credited_seconds"] == 20
    clock.advance(seconds=60)   # 00:00:30 on the 25th there (16:00:30 UTC on the 24th)
    assert beat(member, "manual", seconds=60).get_json()["credited_seconds"] == 60
    db.session.expire_all()
    days = dict(db.session.execute(select(StudyTime.day, StudyTime.seconds).where(
        StudyTime.user_id == member.user.id)).all())
    assert days == {date(2026, 11, 24): DAY_CAP_SECONDS, date(2026, 11, 25): 60}


@pytest.mark.parametrize("body", [{}, {"visible_seconds": -1}, {"visible_seconds": "30"},
                                  {"visible_seconds": True}, {"visible_seconds": 10**9},
                                  {"visible_seconds": 5, "reached_end": "yes"}])
def test_bad_heartbeat_is_422_and_writes_nothing(member, db, body):
    response = member.api("POST", "/api/v1/courses/c/units/read/heartbeat", body)
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(StudyTime)) == 0


def test_heartbeat_unknown_unit_is_404(member):
    assert beat(member, unit="nope").status_code == 404


def test_study_time_shown_per_course(member, db, clock):
    member.get("/courses/c/manual")
    clock.advance(seconds=50)
    beat(member, "manual", seconds=50)
    assert progress.study_seconds(member.user, content_index().course("c")) == 50
    assert "Study time: 0.0 hours" in member.get("/courses/c").get_data(as_text=True)


# ---- query counts ----------------------------------------------------------------------------------

def _add_units(count):
    root = get_catalog().root
    for number in range(10, 10 + count):
        (root / "c" / f"{number:02d}-extra{number}.md").write_text(
            f"---\ntitle: Extra {number}\nrequires: [read]\n---\n## Hi\n")


def test_heartbeat_and_unit_page_queries_do_not_grow_with_units(member, count_queries, clock):
    member.get("/courses/c/manual")
    clock.advance(seconds=30)
    beat(member, "manual")
    with count_queries() as few_beat:
        clock.advance(seconds=30)
        beat(member, "manual")
    with count_queries() as few_page:
        member.get("/courses/c/locked")
    _add_units(30)
    member.get("/courses/c")
    with count_queries() as many_beat:
        clock.advance(seconds=30)
        beat(member, "manual")
    with count_queries() as many_page:
        member.get("/courses/c/locked")
    assert len(many_beat) == len(few_beat) <= 5, many_beat
    # the beat's own: one read, the clock's claim, the credit (compiled once, no ORM objects)
    own = [s.split("(")[0].strip() for s in few_beat if "study_" in s]
    assert own == ["SELECT", "INSERT INTO study_clocks", "INSERT INTO study_time"], few_beat
    assert len(many_page) == len(few_page), (few_page, many_page)
