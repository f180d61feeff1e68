"""The home page's party-school panel: a member's classes with what needs doing, the classes
a staff member runs, and a query count that does not grow with classes or announcements."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from learnhub.classes.announcements import services as rules
from learnhub.classes.exams.models import ExamOverride
from learnhub.classes.home import home_summary, today_bounds
from learnhub.classes.models import Membership
from learnhub.quizzes.models import Quiz
from tests.support.factories import add_exam, add_session, announce
from tests.support.web import login

SHANGHAI = ZoneInfo("Asia/Shanghai")


def home_of(app, user) -> str:
    client = app.test_client()
    assert login(client, user.username).status_code == 302
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(html: str, heading_id: str) -> str:
    """The <section> whose heading has this id (the panel's own markup)."""
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert match, f"no section {heading_id}"
    return match.group(1)


@pytest.fixture
def quiz_ids(db):
    ids = db.session.scalars(select(Quiz.id).order_by(Quiz.id)).all()
    assert len(ids) >= 2, "the sample content has quizzes"
    return ids


def test_today_is_the_users_day_not_utcs():
    # 2026-11-24 20:00 in Shanghai is 12:00 UTC; the day began at 16:00 UTC the day before.
    start, end = today_bounds(datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc), SHANGHAI)
    assert start.astimezone(timezone.utc) == datetime(2026, 11, 23, 16, 0, tzinfo=timezone.utc)
    assert end - start == timedelta(days=1)


def test_member_home_shows_unread_today_and_open_exams(app, db, clock, make_user, make_class, quiz_ids):
    member = make_user()
    school_class = make_class(name="Activists 2026", members=[member])
    quiet = make_class(name="Quiet class", members=[member])
    posted = []
    for n in range(5):
        clock.advance(minutes=1)
        posted.append(announce(school_class, f"Notice {n}", ""))
    rules.mark_read(member, posted[0])
    now = clock.now  # 2026-11-24 ~12:05 UTC, 20:05 in Shanghai
    add_session(school_class, "Early lecture", datetime(2026, 11, 23, 17, 0, tzinfo=timezone.utc))  # 01:00 today
    add_session(school_class, "Evening meeting", now + timedelta(hours=1))                           # 21:05 today
    add_session(school_class, "Tomorrow's lesson", now + timedelta(hours=5))                         # 01:05 tomorrow
    add_exam(school_class, quiz_ids[0], now - timedelta(hours=1), now + timedelta(hours=1))          # open
    add_exam(quiet, quiz_ids[0], now + timedelta(days=1), now + timedelta(days=2))                  # upcoming
    late = add_exam(school_class, quiz_ids[1], now - timedelta(days=2), now - timedelta(days=1))    # closed...
    db.session.add(ExamOverride(exam_id=late.id, user_id=member.id, closes_at=now + timedelta(hours=2),
                                reason="ill"))                                                     # ...but not for them
    db.session.commit()

    html = home_of(app, member)
    mine = section(html, "home-my-classes")
    assert "Activists 2026" in mine and "Quiet class" in mine
    assert "4 unread announcements" in mine
    # The newest three unread titles, newest first; the read one and the fourth are not listed.
    listed = re.findall(r"Notice \d", mine)
    assert listed == ["Notice 4", "Notice 3", "Notice 2"]
    assert "Early lecture" in mine and "Evening meeting" in mine and "Tomorrow" not in mine
    assert "2 exams open now" in mine
    assert "Nothing to do right now." in mine  # the quiet class
    assert 'id="home-classes-i-run"' not in html


def test_staff_home_shows_the_classes_they_run(app, db, make_user, make_class):
    members = [make_user() for _ in range(3)]
    grader = make_user(role="staff")
    running = make_class(name="Candidates 2026", members=members, graders=[grader])
    make_class(name="Someone else's class", members=[make_user()])
    archived = make_class(head=running.head, name="Old class", status="archived")
    for n in range(2):
        announce(running, f"Notice {n}", "")
    first = rules.announcements_for(running.head, running)[0].announcement
    rules.mark_read(members[0], first)
    rules.mark_read(running.head, first)  # staff's own reads do not count
    db.session.commit()

    for user, role in ((running.head, "Head teacher"), (grader, "Grader")):
        html = home_of(app, user)
        run = section(html, "home-classes-i-run")
        assert "Candidates 2026" in run and role in run
        assert "3 members" in run
        assert "5 announcement receipts missing" in run  # 3 members × 2 announcements − 1 read
        assert "Someone else" not in html and archived.name not in run
        assert 'id="home-my-classes"' not in html


def test_someone_in_no_class_sees_no_class_panel(app, make_user):
    html = home_of(app, make_user())
    assert "home-my-classes" not in html and "home-classes-i-run" not in html


def test_home_summary_queries_do_not_grow(app, db, clock, make_user, make_class, count_queries, quiz_ids):
    member, head = make_user(), make_user(role="staff")

    def add_class(n_announcements: int, member_count: int):
        school_class = make_class(head=head, members=[member] + [make_user() for _ in range(member_count)])
        other = make_class(members=[member])
        for n in range(n_announcements):
            rules.post_announcement(head, school_class, f"A{n}", "")
            announce(other, f"B{n}", "")
        add_session(school_class, "Lecture", clock.now + timedelta(minutes=30))
        add_session(other, "Lecture", clock.now + timedelta(minutes=30))
        add_exam(other, quiz_ids[0], clock.now - timedelta(hours=1), clock.now + timedelta(hours=1))
        db.session.commit()

    add_class(1, 1)
    with count_queries() as few:
        small = home_summary(member, SHANGHAI), home_summary(head, SHANGHAI)
    for _ in range(3):
        add_class(6, 8)
    with count_queries() as many:
        large = home_summary(member, SHANGHAI), home_summary(head, SHANGHAI)
    assert len(few) == len(many), (few, many)
    assert len(small[0].member_of) == 2 and len(large[0].member_of) == 8
    assert len(large[1].staff_of) == 4 and sum(c.members_count for c in large[1].staff_of) == 2 + 3 * 9


def test_home_page_query_count_does_not_grow(app, db, make_user, make_class, count_queries):
    member = make_user()
    client = app.test_client()
    assert login(client, member.username).status_code == 302
    first = make_class(members=[member])
    announce(first, "Hello", "")
    db.session.commit()
    client.get("/")
    with count_queries() as few:
        assert client.get("/").status_code == 200
    for _ in range(4):
        school_class = make_class(members=[member, make_user(), make_user()])
        for n in range(4):
            announce(school_class, f"N{n}", "")
    db.session.add(Membership(class_id=first.id, user_id=make_user().id, role="member"))
    db.session.commit()
    with count_queries() as many:
        assert client.get("/").status_code == 200
    assert len(few) == len(many), (few, many)
