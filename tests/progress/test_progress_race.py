"""Parallel heartbeats never credit more study time than real time passed (issue 11, item 4).

Threads, each with its own app (engine, connection pool, session) on the suite's database
(an SQLite file or PostgreSQL), send one member's beats at the same moment, as two tabs,
two workers or two hosts would. A listener widens the window between reading the last
beat and writing the credit, as a slow request would: without serialising them every
beat reads the same last beat and each is credited the whole interval.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learnhub.auth.services import create_user
from learnhub.courses.catalog import get_catalog
from learnhub.courses.index import content_index, sync_all
from learnhub.extensions import db
from learnhub.progress.heartbeat import MAX_BEAT_SECONDS, record_beat
from learnhub.progress.models import StudyTime
from tests.support.threads import race, slow_reads
from tests.support.web import PASSWORD

CONTENT = {
    "c/course.md": "---\ntitle: Course\nsummary: S\n---\nText.\n",
    "c/01-one.md": "---\ntitle: One\ncompletion: manual\n---\n## One\n",
    "c/02-two.md": "---\ntitle: Two\ncompletion: manual\n---\n## Two\n",
}
WORKERS = 3
ROUNDS = 4


@pytest.fixture
def content_dir(write_content):
    return str(write_content(CONTENT))


@pytest.fixture
def rapp(make_app, content_dir):
    app = make_app(CONTENT_DIR=content_dir)
    with app.app_context():
        sync_all(db.session, get_catalog().tree())
        db.session.commit()
        yield app


@pytest.fixture
def slow_beat_reads():
    """Sleep after every read of the last beat."""
    with slow_reads("last_beat_at"):
        yield


def unit(slug):
    return next(u for units in content_index().units.values() for u in units if u.slug == slug)


def beat(user_id, slug, now):
    def job():
        return record_beat(user_id, unit(slug), MAX_BEAT_SECONDS, False, now).credited
    return job


def stored_seconds(user_id) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.coalesce(func.sum(StudyTime.seconds), 0))
                             .where(StudyTime.user_id == user_id))


@pytest.mark.parametrize("slugs", [["one"] * WORKERS, ["one", "two", "one"]],
                         ids=["same-unit", "two-units"])
def test_parallel_beats_credit_at_most_real_time(rapp, make_app, content_dir, clock, slow_beat_reads,
                                                 slugs):
    user = create_user("reader", PASSWORD, "member")
    db.session.commit()
    apps = [make_app(CONTENT_DIR=content_dir) for _ in slugs]
    started = clock.now
    record_beat(user.id, unit("one"), MAX_BEAT_SECONDS, False, started)  # the clock starts here
    db.session.commit()
    first = stored_seconds(user.id)
    for _ in range(ROUNDS):
        now = clock.advance(seconds=MAX_BEAT_SECONDS)
        outcomes = race(apps, [beat(user.id, slug, now) for slug in slugs], results=True)
        assert all(isinstance(o, int) for o in outcomes), outcomes   # no beat failed
        assert sum(outcomes) <= MAX_BEAT_SECONDS, outcomes           # one interval, once
    elapsed = (clock.now - started).total_seconds()
    assert stored_seconds(user.id) - first <= elapsed
    assert stored_seconds(user.id) - first == ROUNDS * MAX_BEAT_SECONDS   # and none is lost


def test_a_host_whose_clock_is_behind_never_moves_the_member_clock_back(rapp, clock):
    user = create_user("reader", PASSWORD, "member")
    db.session.commit()
    started = clock.now
    record_beat(user.id, unit("one"), MAX_BEAT_SECONDS, False, started)
    db.session.commit()
    behind = started - timedelta(seconds=30)   # the same moment, on a host 30 s slow
    assert record_beat(user.id, unit("one"), MAX_BEAT_SECONDS, False, behind).credited == 0
    db.session.commit()
    later = clock.advance(seconds=20)
    assert record_beat(user.id, unit("one"), MAX_BEAT_SECONDS, False, later).credited == 20
