"""The wiring features share: permissions, signals, panels, the domain error, savepoints."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from blinker import Signal
from flask import render_template_string
from sqlalchemy import func, select

import learnhub
from learnhub.auth.models import User
from learnhub.auth.services import create_user
from learnhub.core import signals
from learnhub.core.database import Conflict, add_or_get, savepoint
from learnhub.core.errors import DomainError
from learnhub.core.panels import PANELS_KEY, declare_slot, panels, register_panel
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


# Registration: slots are declared, everything is wired per app in init_app, nothing at import.

def _template_slots() -> set[str]:
    root = Path(learnhub.__file__).parent / "templates"
    return {slot for path in root.rglob("*.html")
            for slot in re.findall(r"""panels\(\s*['"]([^'"]+)['"]""", path.read_text(encoding="utf-8"))}


def test_every_slot_a_page_asks_for_is_declared_and_every_declared_slot_is_asked_for(app):
    declared = set(app.extensions[PANELS_KEY])
    assert _template_slots() == declared
    assert {"course_page", "class_page", "home_page", "login_destination"} <= declared


def test_filling_or_asking_for_an_undeclared_slot_is_an_error(app):
    with pytest.raises(KeyError):
        register_panel(app, "corse_page", lambda **_: "never shown")  # a typo
    with pytest.raises(KeyError):
        panels("corse_page")
    with pytest.raises(KeyError):
        render_template_string("{% for html in panels('corse_page') %}{{ html }}{% endfor %}")
    with pytest.raises(ValueError):
        declare_slot(app, "course_page")  # two pages cannot share one name
    declare_slot(app, "new_page")
    register_panel(app, "new_page", lambda **context: f"<p>{context['who']}</p>")
    assert panels("new_page", who="x") == ["<p>x</p>"]
    register_panel(app, "new_page", lambda **context: "<p>last</p>", order=200)
    register_panel(app, "new_page", lambda **context: "<p>second</p>")
    assert panels("new_page", who="x") == ["<p>x</p>", "<p>second</p>", "<p>last</p>"]


def test_the_home_page_shows_what_waits_before_what_was_done(app):
    home = [f"{panel.__module__}.{panel.__name__}" for _order, panel in app.extensions[PANELS_KEY]["home_page"]]
    assert home[-1] == "learnhub.progress.member_dashboard_views.record_panel"
    assert "learnhub.discussions.reading.panels.home_page_panel" in home[:-1]


def _registrations(app) -> dict:
    groups = {name: sorted(group.commands) if isinstance(group, click.Group) else None
              for name, group in app.cli.commands.items()}
    slots = {slot: [f"{panel.__module__}.{panel.__qualname__}" for _order, panel in slot_panels]
             for slot, slot_panels in app.extensions[PANELS_KEY].items()}
    receivers = {name: len(list(signal.receivers_for(app))) for name, signal in _signals().items()}
    return {"cli": groups, "panels": slots, "receivers": receivers, "blueprints": sorted(app.blueprints)}


def _signals() -> dict[str, Signal]:
    return {name: value for name, value in vars(signals).items() if isinstance(value, Signal)}


def test_a_second_app_registers_nothing_twice(make_app):
    first = make_app()
    before = _registrations(first)
    second = make_app()
    assert _registrations(first) == before == _registrations(second)
    assert {"users", "content", "quizzes", "classes", "progress", "demo"} <= set(before["cli"])
    assert before["cli"]["users"] == ["create", "ensure-admin", "list", "set-password", "set-role"]
    assert before["receivers"]["unit_viewed"] == 1
    assert before["receivers"]["attempt_graded"] == 2  # progress, grading.results (notices)
    for slot_panels in before["panels"].values():
        assert len(slot_panels) == len(set(slot_panels))
    assert first.cli.commands["users"] is not second.cli.commands["users"]  # a group per app
    # Receivers are connected for each app, none for every sender.
    assert all(not list(signal.receivers_for(object())) for signal in _signals().values())


IMPORT_PROBE = """
import importlib, json, pkgutil, click
from blinker import Signal
import learnhub
from learnhub.core import signals
from learnhub.extensions import csrf, login_manager
names = [m.name for m in pkgutil.walk_packages(learnhub.__path__, "learnhub.")]
modules = [importlib.import_module(name) for name in names]
print(json.dumps({
    "modules": len(modules),
    "groups": sorted(m.__name__ + "." + k for m in modules for k, v in vars(m).items()
                     if isinstance(v, click.Group)),
    "receivers": sorted(k for k, v in vars(signals).items() if isinstance(v, Signal) and v.receivers),
    "csrf_exempt": sorted(csrf._exempt_blueprints | csrf._exempt_views),
    "login_loaders": [login_manager._user_callback is not None, login_manager._request_callback is not None],
}))
"""


def test_importing_every_module_registers_nothing():
    """In a fresh interpreter: no receiver connected, no exemption, no loader, no module-level group."""
    done = subprocess.run([sys.executable, "-c", IMPORT_PROBE], capture_output=True, text=True, timeout=120,
                          cwd=Path(learnhub.__file__).parent.parent, check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["modules"] > 50
    assert found == {"modules": found["modules"], "groups": [], "receivers": [], "csrf_exempt": [],
                     "login_loaders": [False, False]}
