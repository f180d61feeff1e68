"""Course, unit and asset pages: access by role, drafts, progress, reloads, query counts."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from learnhub.courses import services
from learnhub.courses.catalog import get_catalog
from learnhub.courses.models import Unit, UnitProgress
from tests.support.content import unit_file
from tests.support.web import csrf_from

COURSE = "party-building-online"


@pytest.mark.parametrize("path", ["/", f"/courses/{COURSE}", f"/courses/{COURSE}/why-online",
                                  f"/courses/{COURSE}/assets/one-platform.svg"])
def test_pages_need_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ["member", "instructor", "staff", "admin"])
def test_every_role_may_read_published_courses(client, login_as, role):
    login_as(role)
    assert client.get("/").status_code == 200
    page = client.get(f"/courses/{COURSE}").get_data(as_text=True)
    assert "Party Building in the Network Era" in page
    unit = client.get(f"/courses/{COURSE}/why-online")
    assert unit.status_code == 200
    assert client.get(f"/courses/{COURSE}/assets/one-platform.svg").status_code == 200


def test_unit_page_has_content_toc_breadcrumb_and_neighbours(client, login_as):
    login_as()
    page = client.get(f"/courses/{COURSE}/problems").get_data(as_text=True)
    assert 'class="toc"' in page and 'aria-label="Breadcrumb"' in page
    assert f'rel="prev" href="/courses/{COURSE}/why-online"' in page
    assert f'rel="next" href="/courses/{COURSE}/learning-platforms"' in page
    assert f'src="/courses/{COURSE}/assets/' in page  # relative image resolved
    assert "<table>" in page


def test_unknown_course_and_unit_are_404(client, login_as):
    login_as()
    assert client.get("/courses/nope").status_code == 404
    assert client.get(f"/courses/{COURSE}/nope").status_code == 404
    assert client.get(f"/courses/{COURSE}/assets/nope.svg").status_code == 404


def test_assets_have_cache_headers_and_refuse_traversal(client, login_as):
    login_as()
    response = client.get(f"/courses/{COURSE}/assets/one-platform.svg")
    assert response.mimetype == "image/svg+xml"
    assert "max-age=3600" in response.headers["Cache-Control"]
    assert "sandbox" in response.headers["Content-Security-Policy"]
    etag = response.headers["ETag"]
    assert client.get(f"/courses/{COURSE}/assets/one-platform.svg",
                      headers={"If-None-Match": etag}).status_code == 304
    assert client.get(f"/courses/{COURSE}/assets/../course.md").status_code == 404
    assert client.get(f"/courses/{COURSE}/assets/%2e%2e/course.md").status_code == 404


def test_drafts_hidden_from_members_and_staff(content_client):
    client = content_client
    client.log_in("member")
    home = client.get("/").get_data(as_text=True)
    assert "Small course" in home and "Secret draft course" not in home
    assert "Hidden draft" not in client.get("/courses/c").get_data(as_text=True)
    assert client.get("/courses/c/hidden").status_code == 404
    assert client.get("/courses/secret").status_code == 404
    assert client.get("/courses/secret/only").status_code == 404


@pytest.mark.parametrize("role,visible", [("staff", False), ("instructor", True), ("admin", True)])
def test_drafts_visible_to_instructors_only(content_client, role, visible):
    client = content_client
    client.log_in(role)
    assert (client.get("/courses/secret/only").status_code == 200) is visible
    assert (client.get("/courses/c/hidden").status_code == 200) is visible


def test_opening_completes_nothing_and_manual_units_need_the_button(content_client, db):
    """Opening a `view` unit is a visit, not a completion (progress decides: dwell time or
    the end reached; see tests/progress/test_progress_completion.py)."""
    client = content_client
    user = client.log_in()
    client.get("/courses/c/first")
    client.get("/courses/c/second")
    rows = {row.unit_id: row for row in db.session.scalars(select(UnitProgress).where(UnitProgress.user_id == user.id))}
    units = {u.slug: u for u in db.session.scalars(select(Unit))}
    assert rows[units["first"].id].completed_at is None
    assert rows[units["second"].id].completed_at is None
    token = csrf_from(client, "/courses/c/second")
    assert client.post("/courses/c/second/complete", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(UnitProgress, rows[units["second"].id].id).completed_at is not None
    assert "1 of 2 required units" in client.get("/courses/c").get_data(as_text=True)


def test_complete_without_csrf_is_rejected(content_client, db):
    client = content_client
    client.log_in()
    assert client.post("/courses/c/second/complete").status_code == 400
    assert db.session.scalar(select(UnitProgress).where(UnitProgress.completed_at.is_not(None))) is None


def test_changed_file_is_picked_up_without_restart(content_client):
    client = content_client
    client.log_in()
    assert "Text." in client.get("/courses/c/first").get_data(as_text=True)
    root = get_catalog().root
    (root / "c" / "01-first.md").write_text(unit_file("First, renamed", body="## New\n\nFresh words.\n"))
    page = client.get("/courses/c/first").get_data(as_text=True)
    assert "Fresh words." in page and "First, renamed" in page
    assert "First, renamed" in client.get("/courses/c").get_data(as_text=True)


def test_removed_unit_is_hidden_and_keeps_its_history(content_client, db):
    client = content_client
    client.log_in()
    client.get("/courses/c/first")
    (get_catalog().root / "c" / "01-first.md").unlink()
    assert client.get("/courses/c/first").status_code == 404
    assert "First" not in client.get("/courses/c").get_data(as_text=True)
    db.session.expire_all()
    unit = db.session.scalar(select(Unit).where(Unit.slug == "first"))
    assert unit.removed_at is not None
    assert db.session.scalar(select(UnitProgress).where(UnitProgress.unit_id == unit.id)) is not None


def test_sync_cli_is_idempotent(content_app):
    runner = content_app.test_cli_runner()
    first = runner.invoke(args=["content", "sync"]).output
    second = runner.invoke(args=["content", "sync"]).output
    assert "0 added, 0 updated, 0 removed" in second, (first, second)


def test_resume_points_at_last_unfinished_unit(content_client, db):
    client = content_client
    user = client.log_in()
    client.get("/courses/c/second")  # manual, not completed
    view = services.find_course_view(user, "c")
    assert view.resume.slug == "second"
    assert "Resume: Second" in client.get("/courses/c").get_data(as_text=True)


def _add_units(root, count):
    for number in range(4, 4 + count):
        (root / "c" / f"{number:02d}-extra{number}.md").write_text(unit_file(f"Extra {number}"))


@pytest.mark.parametrize("path", ["/courses/c", "/courses/c/first", "/"])
def test_query_count_does_not_grow_with_units(content_client, count_queries, path):
    client = content_client
    client.log_in()
    client.get(path)  # warm up: index, first visit writes
    client.get(path)
    with count_queries() as few:
        client.get(path)
    _add_units(get_catalog().root, 30)
    client.get(path)  # re-index after the change
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert len(many) == len(few), (few, many)
