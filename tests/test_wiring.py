"""The wiring features share: permissions, signals, panels, the domain error, savepoints."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from learnhub.auth.models import User
from learnhub.auth.services import create_user
from learnhub.core import signals
from learnhub.core.database import Conflict, add_or_get, savepoint
from learnhub.core.errors import DomainError
from learnhub.core.permissions import allowed, register_policy
from learnhub.courses.models import Unit, UnitProgress
from tests.support.web import PASSWORD, csrf_from


def test_unknown_action_is_an_error_not_a_no(app, make_user):
    with pytest.raises(KeyError):
        allowed(make_user(), "no.such.action")


@pytest.mark.parametrize("role, expected", [("member", False), ("instructor", True),
                                            ("staff", True), ("admin", True)])
def test_role_policies_come_from_the_features(app, make_user, role, expected):
    assert allowed(make_user(role=role), "quiz.review_attempts") is expected
    assert allowed(make_user(role=role), "admin.manage_users") is (role == "admin")


def test_a_higher_feature_extends_an_action(app, make_user):
    member = make_user()
    assert not allowed(member, "quiz.review_attempts")
    register_policy(app, "quiz.review_attempts", lambda user, obj: obj == "my class")
    assert allowed(member, "quiz.review_attempts", "my class")
    assert not allowed(member, "quiz.review_attempts", "another class")


def test_each_app_has_its_own_registrations(make_app):
    first, second = make_app(), make_app()
    with first.app_context():
        register_policy(first, "admin.manage_users", lambda user, obj: True)
        assert len(first.extensions["learnhub_policies"]["admin.manage_users"]) == 2
    assert len(second.extensions["learnhub_policies"]["admin.manage_users"]) == 1
    assert {"auth", "courses", "quizzes", "api", "health"} <= set(second.blueprints)


def test_domain_error_renders_for_pages_and_api(app):
    @app.get("/api/v1/_boom")
    def _api_boom():
        raise DomainError(409, "some_rule", "Refused for a reason.")

    @app.get("/_boom")
    def _page_boom():
        raise DomainError(409, "some_rule", "Refused for a reason.")

    client = app.test_client()
    api = client.get("/api/v1/_boom")
    assert api.status_code == 409
    assert api.get_json() == {"error": {"code": "some_rule", "message": "Refused for a reason."}}
    page = client.get("/_boom")
    assert page.status_code == 409 and "Refused for a reason." in page.get_data(as_text=True)


def _unit_id(db) -> int:
    return db.session.scalar(select(Unit.id).limit(1))


def test_savepoint_keeps_the_callers_work(app, db):
    """A lost insert race rolls back the block only: the caller's earlier writes survive."""
    unit_id = _unit_id(db)
    first = create_user("first", PASSWORD)
    db.session.add(UnitProgress(user_id=first.id, unit_id=unit_id, first_viewed_at=_now(),
                                last_viewed_at=_now()))
    db.session.commit()
    keeper = create_user("keeper", PASSWORD)  # pending in this transaction
    with pytest.raises(DomainError) as raised:
        with savepoint(db.session, DomainError(409, "duplicate", "Already there.")):
            db.session.add(UnitProgress(user_id=first.id, unit_id=unit_id, first_viewed_at=_now(),
                                        last_viewed_at=_now()))
            db.session.flush()
    assert raised.value.code == "duplicate"
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalar(select(User).where(User.username == "keeper")) is not None
    assert keeper.id is not None


def test_add_or_get_returns_the_winner_and_reraises_other_violations(app, db):
    unit_id = _unit_id(db)
    user = create_user("racer", PASSWORD)
    winner = UnitProgress(user_id=user.id, unit_id=unit_id, first_viewed_at=_now(), last_viewed_at=_now())
    db.session.add(winner)
    db.session.commit()
    find = lambda: db.session.scalar(select(UnitProgress).where(UnitProgress.user_id == user.id))  # noqa: E731
    row, created = add_or_get(db.session, UnitProgress(user_id=user.id, unit_id=unit_id,
                                                       first_viewed_at=_now(), last_viewed_at=_now()), find)
    assert (row.id, created) == (winner.id, False)
    # A violation that is no race (nothing to find) is not swallowed.
    with pytest.raises(Conflict):
        add_or_get(db.session, UnitProgress(user_id=user.id, unit_id=unit_id, first_viewed_at=_now(),
                                            last_viewed_at=_now()), lambda: None)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(UnitProgress)) == 1


def test_unit_completed_is_sent_once(client, login_as, db):
    received = []

    def receiver(sender, **data):
        received.append(data)

    signals.unit_completed.connect(receiver)
    try:
        login_as()
        path = "/courses/party-building-online/summary"
        client.get(path)  # a visit completes nothing
        token = csrf_from(client, path)
        client.post(path + "/complete", data={"csrf_token": token})
        client.post(path + "/complete", data={"csrf_token": token})
    finally:
        signals.unit_completed.disconnect(receiver)
    assert len(received) == 1 and received[0]["unit_id"] is not None


def _now():
    from learnhub.core.types import utcnow

    return utcnow()


def test_factories_make_a_quiz_and_an_attempt(make_quiz, make_attempt, clock, db):
    make_quiz("tiny", "::one::One? {T}\n\n::two::Two? {F}\n", kind="exam")
    attempt = make_attempt(create_user("examinee", PASSWORD), "tiny")
    assert attempt.state == "in_progress" and len(attempt.questions) == 2
    assert attempt.started_at == clock.now  # the one test clock reaches the services too
