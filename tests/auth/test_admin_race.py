"""The last active administrator cannot be removed, even by two admins at the same moment.

Two threads, each with its own app (engine, connection pool, session) on the suite's
database (an SQLite file or PostgreSQL), each demoting or deactivating the other admin.
A listener widens the window between reading the admins and writing, as a slow request
would: without a lock both read "two admins" and both go ahead.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from learnhub.auth import services
from learnhub.auth.models import User
from learnhub.extensions import db
from tests.support.threads import race, slow_reads

ROUNDS = 5


@pytest.fixture
def slow_admin_reads():
    """Sleep after every statement that reads admin rows."""
    with slow_reads("users.role"):
        yield


def active_admins() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(User)
                             .where(User.role == "admin", User.active.is_(True)))


def demote(other_id, actor_id):
    def job():
        services.change_role(db.session.get(User, actor_id), db.session.get(User, other_id), "member")
    return job


def deactivate(other_id, actor_id):
    def job():
        services.set_active(db.session.get(User, actor_id), db.session.get(User, other_id), False)
    return job


@pytest.mark.parametrize("first,second", [(demote, demote), (deactivate, deactivate), (demote, deactivate)],
                         ids=["demote-demote", "deactivate-deactivate", "demote-deactivate"])
def test_two_admins_removing_each_other_leave_one(app, make_app, slow_admin_reads, first, second):
    apps = [make_app(), make_app()]
    for round_number in range(ROUNDS):
        a = services.create_user(f"a{round_number}", "password-123", "admin")
        b = services.create_user(f"b{round_number}", "password-123", "admin")
        db.session.commit()
        outcomes = race(apps, [first(b.id, a.id), second(a.id, b.id)], refused=services.AccountError)
        assert sorted(map(str, outcomes)) == ["done", "refused"], outcomes
        assert active_admins() == 1, (round_number, outcomes)
        # Next round: the survivor steps down in favour of two fresh admins.
        for user in db.session.scalars(select(User).where(User.role == "admin")):
            user.role = "member"
        db.session.commit()


def test_three_admins_two_may_go(app, make_app, make_user):
    """The guard counts the others: with three admins, two removals at once both succeed."""
    admins = [make_user(f"adm{i}", role="admin") for i in range(3)]
    apps = [make_app(), make_app()]
    outcomes = race(apps, [demote(admins[1].id, admins[0].id), demote(admins[2].id, admins[0].id)],
                    refused=services.AccountError)
    assert outcomes == ["done", "done"]
    assert active_admins() == 1


# ---- flask users set-role ----------------------------------------------------------------

def test_users_cli_set_role(app, make_user, db):
    runner = app.test_cli_runner()
    make_user("boss", role="admin")
    make_user("helper")
    result = runner.invoke(args=["users", "set-role", "Helper", "staff"])
    assert result.exit_code == 0, result.output
    assert "helper" in result.output and "staff" in result.output
    db.session.expire_all()
    assert services.get_user_by_username("helper").role == "staff"

    unknown_user = runner.invoke(args=["users", "set-role", "nobody", "staff"])
    assert unknown_user.exit_code == 1 and "nobody" in unknown_user.output
    unknown_role = runner.invoke(args=["users", "set-role", "helper", "wizard"])
    assert unknown_role.exit_code == 1 and "member, instructor, staff, admin" in unknown_role.output
    last_admin = runner.invoke(args=["users", "set-role", "boss", "member"])
    assert last_admin.exit_code == 1 and "last active administrator" in last_admin.output
    db.session.expire_all()
    assert services.get_user_by_username("boss").role == "admin"
    assert services.get_user_by_username("helper").role == "staff"
