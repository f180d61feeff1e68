"""The gradebook's ranking: by the total of exam percents, then the shorter total time, then the
earlier last submission; equal rows share a rank (1, 2, 2, 4); nothing graded, no rank."""
from __future__ import annotations

from datetime import timedelta

import pytest

from learnhub.grading.gradebook.services import class_gradebook
from tests.support.factories import enrol
from tests.support.grading_gradebook import T, attempt, schedule


@pytest.fixture
def people(school, make_user, db):
    """The school's two members and three more: ann, bob, cat, dan, eve."""
    extra = [make_user(name) for name in ("cat", "dan", "eve")]
    for user in extra:
        enrol(school.school_class, user)
    db.session.commit()
    ann, bob = school.members
    return school, dict(zip(("ann", "bob", "cat", "dan", "eve"), [ann, bob, *extra], strict=True))


def ranks(school) -> dict[str, int | None]:
    return {row.username: row.rank for row in class_gradebook(school.school_class).rows}


def test_higher_total_first_and_unranked_last(people):
    school, p = people
    exam, = schedule(school.school_class)
    attempt(p["ann"], exam, 60)
    attempt(p["bob"], exam, 90)
    attempt(p["cat"], exam, 30, state="needs_grading")  # awaiting only: nothing graded
    book = class_gradebook(school.school_class)
    assert [(r.user_id, r.rank) for r in book.rows[:2]] == [(p["bob"].id, 1), (p["ann"].id, 2)]
    assert [r.rank for r in book.rows[2:]] == [None, None, None]
    assert book.rows[0].total == 90 and book.rows[2].total is None


def test_the_total_is_the_sum_over_exams(people):
    school, p = people
    first, second = schedule(school.school_class, 2)
    attempt(p["ann"], first, 90)
    attempt(p["ann"], second, 50)
    attempt(p["bob"], first, 100)  # the better single exam, the lower total
    rows = {r.username: r for r in class_gradebook(school.school_class).rows}
    assert (rows[p["ann"].username].total, rows[p["ann"].username].rank) == (140, 1)
    assert (rows[p["bob"].username].total, rows[p["bob"].username].rank) == (100, 2)


def test_equal_totals_shorter_time_first(people):
    school, p = people
    exam, = schedule(school.school_class)
    attempt(p["ann"], exam, 80, minutes=20, at=T)
    attempt(p["bob"], exam, 80, minutes=10, at=T + timedelta(hours=1))  # later, but quicker
    result = ranks(school)
    assert (result[p["bob"].username], result[p["ann"].username]) == (1, 2)


def test_equal_time_earlier_submission_first(people):
    school, p = people
    exam, = schedule(school.school_class)
    attempt(p["ann"], exam, 80, minutes=10, at=T + timedelta(hours=1))
    attempt(p["bob"], exam, 80, minutes=10, at=T)
    result = ranks(school)
    assert (result[p["bob"].username], result[p["ann"].username]) == (1, 2)


def test_the_latest_counted_submission_decides(people):
    """Two exams each: ann finished her last one earlier than bob, though bob started first."""
    school, p = people
    first, second = schedule(school.school_class, 2)
    attempt(p["bob"], first, 80, minutes=10, at=T)
    attempt(p["bob"], second, 80, minutes=10, at=T + timedelta(days=2))
    attempt(p["ann"], first, 80, minutes=10, at=T + timedelta(hours=1))
    attempt(p["ann"], second, 80, minutes=10, at=T + timedelta(days=1))
    result = ranks(school)
    assert (result[p["ann"].username], result[p["bob"].username]) == (1, 2)


def test_truly_equal_rows_share_a_rank_competition_style(people):
    school, p = people
    exam, = schedule(school.school_class)
    attempt(p["ann"], exam, 95, minutes=10, at=T)
    attempt(p["bob"], exam, 80, minutes=10, at=T + timedelta(hours=1))
    attempt(p["cat"], exam, 80, minutes=10, at=T + timedelta(hours=1))
    attempt(p["dan"], exam, 70, minutes=10, at=T)
    result = ranks(school)
    assert [result[p[n].username] for n in ("ann", "bob", "cat", "dan", "eve")] == [1, 2, 2, 4, None]


def test_reset_and_awaiting_attempts_do_not_rank(people):
    school, p = people
    exam, = schedule(school.school_class)
    attempt(p["ann"], exam, 100, reset=True)
    attempt(p["ann"], exam, 40)
    attempt(p["bob"], exam, 50)
    attempt(p["bob"], exam, 100, state="needs_grading")
    rows = {r.username: r for r in class_gradebook(school.school_class).rows}
    assert (rows[p["bob"].username].rank, rows[p["bob"].username].total) == (1, 50)
    assert (rows[p["ann"].username].rank, rows[p["ann"].username].total) == (2, 40)


def test_the_average_method_ranks_by_its_mean_time(people):
    school, p = people
    exam, = schedule(school.school_class)
    for minutes in (10, 30):
        attempt(p["ann"], exam, 80, minutes=minutes, method="average", at=T + timedelta(hours=minutes))
    attempt(p["bob"], exam, 80, minutes=25, method="average", at=T)
    rows = {r.username: r for r in class_gradebook(school.school_class).rows}
    assert rows[p["ann"].username].seconds == 20 * 60
    assert (rows[p["ann"].username].rank, rows[p["bob"].username].rank) == (1, 2)
