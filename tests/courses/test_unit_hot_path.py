"""The unit page and the unit API, the hot paths of studying: a fixed number of statements
whatever the course's units, the member's progress rows, their classes' rules or the unit's
threads; a visit writes at most once a minute."""
from __future__ import annotations

import pytest
from sqlalchemy import insert, select, update

from learnhub.auth.services import create_user
from learnhub.classes.models import ClassUnitRule
from learnhub.core.types import utcnow
from learnhub.courses.catalog import get_catalog
from learnhub.courses.index import content_index, sync_all
from learnhub.courses.models import UnitProgress
from learnhub.extensions import db as _db
from tests.support.content import course_file, unit_file
from tests.support.discussions import seed_thread
from tests.support.web import PASSWORD, login

PAGE, API = "/courses/c/first", "/api/v1/courses/c/units/first"


@pytest.fixture
def app(make_app, write_content):
    """This module's app (make_class and the others build on it): a course of two units."""
    root = write_content({"c/course.md": course_file("Course"), "c/01-first.md": unit_file("First"),
                          "c/02-second.md": unit_file("Second", completion="manual")})
    app = make_app(CONTENT_DIR=str(root))
    with app.app_context():
        sync_all(_db.session, get_catalog().tree())
        _db.session.commit()
        yield app


@pytest.fixture
def reader(app, db, clock):
    client = app.test_client()
    client.user = create_user("reader", PASSWORD, "member")
    db.session.commit()
    assert login(client, "reader").status_code == 302
    return client


def units():
    return content_index().units[content_index().course("c").id]


def own(statements: list[str], table: str) -> list[str]:
    """The statements that read or write `table` (by its name after FROM, INTO or UPDATE)."""
    return [s for s in statements if f"FROM {table}" in s or f"INTO {table}" in s or f"UPDATE {table}" in s]


def writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]


def grow(db, reader, make_class, extra_units: int):
    """More units, a progress row on every one (completed), two classes with optional units
    assigning the course, and more threads on the unit than its panel shows."""
    root = get_catalog().root
    for number in range(3, 3 + extra_units):
        (root / "c" / f"{number:02d}-extra{number}.md").write_text(unit_file(f"Extra {number}"))
    reader.get("/courses/c")  # the index notices the new files
    now = utcnow()
    seen = {row for row in db.session.scalars(select(UnitProgress.unit_id).where(
        UnitProgress.user_id == reader.user.id))}
    db.session.execute(insert(UnitProgress), [
        {"user_id": reader.user.id, "unit_id": u.id, "first_viewed_at": now, "last_viewed_at": now}
        for u in units() if u.id not in seen])
    db.session.execute(update(UnitProgress).where(UnitProgress.user_id == reader.user.id)
                       .values(completed_at=now, completion_rule="view"))
    for _ in range(2):
        school_class = make_class(members=[reader.user], courses=["c"])
        db.session.add_all([ClassUnitRule(class_id=school_class.id, unit_id=u.id, required=False)
                            for u in units()[-3:]])
    first = units()[0]
    for n in range(8):
        seed_thread(reader.user, course_id=first.course_id, unit_id=first.id, title=f"Question {n}")
    db.session.commit()


def test_unit_page_and_api_statements_do_not_grow(db, reader, make_class, count_queries):
    reader.get(PAGE)  # the first visit writes its row
    with count_queries() as few_page:
        assert reader.get(PAGE).status_code == 200
    with count_queries() as few_api:
        assert reader.get(API).status_code == 200
    grow(db, reader, make_class, extra_units=30)
    with count_queries() as many_page:
        html = reader.get(PAGE).get_data(as_text=True)
    with count_queries() as many_api:
        unit = reader.get(API).get_json()
    assert html.count('class="thread-item') == 5 and 'data-completed="true"' in html
    assert unit["completed"] is True and unit["next"] == "second"
    assert len(many_page) == len(few_page), (few_page, many_page)
    assert len(many_api) == len(few_api), (few_api, many_api)
    # The page's own: the member's rows of the course, their classes' rules, the unit's threads.
    for statements in (few_page, many_page):
        assert len(own(statements, "unit_progress")) == 1, statements
        assert len(own(statements, "class_courses")) == 1, statements
        assert len(own(statements, "threads")) == 1, statements
        assert writes(statements) == [], statements  # a repeat visit within the minute
    # The API's own: only the member's rows (no class rules, no threads).
    for statements in (few_api, many_api):
        assert len(own(statements, "unit_progress")) == 1, statements
        assert own(statements, "class_courses") == own(statements, "threads") == [], statements


def test_the_progress_bar_counts_required_units_from_the_same_rows(db, reader, make_class):
    reader.get(PAGE)
    grow(db, reader, make_class, extra_units=4)
    required = len(units()) - 3  # the last three are optional in both classes
    html = reader.get(PAGE).get_data(as_text=True)
    assert f"{required} of {required} required units" in html


@pytest.mark.parametrize("path", [PAGE, API])
def test_a_visit_writes_at_most_once_a_minute(db, reader, clock, count_queries, path):
    first_unit = units()[0]

    def row():
        db.session.expire_all()
        return db.session.scalar(select(UnitProgress).where(UnitProgress.user_id == reader.user.id,
                                                            UnitProgress.unit_id == first_unit.id))

    opened = clock.now
    assert reader.get(path).status_code == 200
    assert (row().first_viewed_at, row().last_viewed_at) == (opened, opened)
    clock.advance(seconds=30)
    with count_queries() as again:
        assert reader.get(path).status_code == 200
    assert writes(again) == [] and row().last_viewed_at == opened
    later = clock.advance(seconds=40)  # a minute and more since the written visit
    with count_queries() as stale:
        assert reader.get(path).status_code == 200
    assert own(writes(stale), "unit_progress"), stale
    assert (row().first_viewed_at, row().last_viewed_at) == (opened, later)
    assert row().completed_at is None  # a visit completes nothing by itself


def test_unit_html_is_kept_per_content_version(reader):
    catalog = get_catalog()
    before = reader.get(PAGE).get_data(as_text=True)
    assert catalog.unit_page("c", "first") is catalog.unit_page("c", "first")
    (catalog.root / "c" / "01-first.md").write_text(unit_file("First", body="## Part\n\nNew words.\n"))
    after = reader.get(PAGE).get_data(as_text=True)
    assert "Text." in before and "New words." in after and "New words." not in before
    assert catalog.unit_page("c", "nope") is None
