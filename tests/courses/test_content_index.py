"""Indexing content/: `content sync` indexes courses, units and quizzes; requests re-index
before they touch the database; completions survive a concurrent first visit; attempts at
removed content stay readable."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from learnhub.core import signals
from learnhub.core.types import utcnow
from learnhub.courses import index as content_index_module, services as course_services
from learnhub.courses.catalog import get_catalog
from learnhub.courses.models import Course, UnitProgress
from learnhub.quizzes.models import Attempt, Quiz
from tests.support.quizzes import by_type, save, start


def test_content_sync_indexes_every_quiz(quiz_app, quiz_content, db):
    quiz_content("second", "---\ntitle: Second quiz\nkind: exam\n---\n::a::A? {T}\n")
    result = quiz_app.test_cli_runner().invoke(args=["content", "sync"])
    assert result.exit_code == 0, result.output
    rows = {q.slug: q for q in db.session.scalars(select(Quiz))}
    assert set(rows) == {"every-type", "second"}  # nobody started either
    assert (rows["second"].title, rows["second"].kind, rows["second"].removed_at) == ("Second quiz", "exam", None)
    (quiz_content.root / "qc" / "quizzes" / "second.gift").unlink()
    quiz_app.test_cli_runner().invoke(args=["content", "sync"])
    db.session.expire_all()
    assert db.session.scalar(select(Quiz).where(Quiz.slug == "second")).removed_at is not None


def test_a_request_reindexes_changed_content_before_touching_the_database(quiz_client, quiz_content, db):
    quiz_content("later", "---\ntitle: Added later\n---\n::a::A? {T}\n")
    seen_transaction = []
    original = content_index_module.reindex

    def spy(version):
        # What could make the re-index wait on this very request: writes it has pending.
        # (Reading the logged-in user first is fine: a read holds no lock a writer waits on.)
        session = db.session()
        pending = bool(session.new or session.dirty or session.deleted)
        if session.in_transaction() and db.engine.dialect.name == "sqlite":
            pending = pending or session.connection().connection.dbapi_connection.in_transaction
        seen_transaction.append(pending)
        return original(version)

    content_index_module.reindex = spy
    try:
        assert quiz_client.get("/courses/qc").status_code == 200
    finally:
        content_index_module.reindex = original
    assert seen_transaction == [False]  # its own connection, before the request wrote anything
    db.session.expire_all()
    assert db.session.scalar(select(Quiz).where(Quiz.slug == "later")) is not None


def test_a_failing_reindex_is_not_ignored(quiz_client, monkeypatch):
    def broken(session, tree):
        raise RuntimeError("index broke")

    get_catalog()._signature = None  # make the worker notice a change
    quiz_client.application.extensions["learnhub_index"] = None
    monkeypatch.setattr(content_index_module, "sync_all", broken)
    with pytest.raises(RuntimeError, match="index broke"):  # TESTING re-raises what a 500 would hide
        quiz_client.get("/courses/qc")


def test_completion_survives_a_concurrent_first_visit(content_client, db, monkeypatch):
    """Another request inserted the member's row after this one looked: the completion
    this request acknowledges is the one stored."""
    client = content_client
    user = client.log_in()
    from tests.support.web import csrf_from

    token = csrf_from(client, "/courses/c")
    unit = next(u for u in course_services.content_index().units[
        course_services.content_index().course("c").id] if u.slug == "second")
    now = utcnow()
    db.session.add(UnitProgress(user_id=user.id, unit_id=unit.id, first_viewed_at=now, last_viewed_at=now))
    db.session.commit()  # the concurrent first visit, committed
    monkeypatch.setattr(course_services, "progress_by_unit", lambda user, units: {})  # looked before it
    response = client.post("/courses/c/second/complete", data={"csrf_token": token})
    assert response.status_code == 302
    assert "marked as complete" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    rows = db.session.scalars(select(UnitProgress).where(UnitProgress.user_id == user.id,
                                                         UnitProgress.unit_id == unit.id)).all()
    assert len(rows) == 1 and rows[0].completed_at is not None


def test_api_completion_survives_a_concurrent_first_visit(content_client, db, monkeypatch):
    client = content_client
    user = client.log_in()
    from tests.support.web import csrf_from

    csrf = csrf_from(client, "/account")
    index = course_services.content_index()
    unit = next(u for u in index.units[index.course("c").id] if u.slug == "second")
    now = utcnow()
    db.session.add(UnitProgress(user_id=user.id, unit_id=unit.id, first_viewed_at=now, last_viewed_at=now))
    db.session.commit()
    monkeypatch.setattr(course_services, "progress_by_unit", lambda user, units: {})
    response = client.post("/api/v1/courses/c/units/second/complete", headers={"X-CSRFToken": csrf})
    assert response.status_code == 200 and response.get_json()["completed"] is True
    db.session.expire_all()
    row = db.session.scalar(select(UnitProgress).where(UnitProgress.user_id == user.id,
                                                       UnitProgress.unit_id == unit.id))
    assert row.completed_at is not None


@pytest.mark.parametrize("removal", ["course", "quiz"])
def test_attempts_at_removed_content_stay_readable(quiz_app, quiz_client, quiz_content, clock, db,
                                                   make_user, removal):
    attempt = start(quiz_client)
    save(quiz_client, attempt, by_type(attempt)["true_false"], True)
    submitted = quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit").get_json()
    if removal == "course":
        shutil.move(str(quiz_content.root / "qc"), str(quiz_content.root.parent / "qc-renamed-away"))
    else:
        (quiz_content.root / "qc" / "quizzes" / "every-type.gift").unlink()
    assert quiz_client.get("/courses/qc").status_code == (404 if removal == "course" else 200)

    page = quiz_client.get(f"/attempts/{attempt['id']}")
    assert page.status_code == 200
    assert "has been removed" in page.get_data(as_text=True)
    fetched = quiz_client.api("GET", f"/api/v1/attempts/{attempt['id']}").get_json()
    assert fetched["content_removed"] is True and fetched["score"] == submitted["score"]
    assert "Every type" in quiz_client.get("/my/attempts").get_data(as_text=True)

    from tests.support.web import login

    staff = quiz_app.test_client()
    make_user("reviewer", role="staff")
    assert login(staff, "reviewer").status_code == 302
    assert staff.get(f"/attempts/{attempt['id']}").status_code == 200
    db.session.expire_all()
    if removal == "course":
        assert db.session.scalar(select(Course).where(Course.slug == "qc")).removed_at is not None
    assert db.session.get(Attempt, attempt["id"]).state == "needs_grading"


def test_attempt_signals_once_per_submission(quiz_client, clock):
    submitted = []
    signals.attempt_submitted.connect(lambda sender, attempt: submitted.append(attempt.id), weak=False)
    try:
        attempt = start(quiz_client)
        quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit")
        quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit")
    finally:
        signals.attempt_submitted.receivers.clear()
    assert submitted == [attempt["id"]]
