"""Migration 0007: blank student numbers become NULL, and duplicates stop it with their names."""
from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from learnhub import create_app
from learnhub.config import make_test_config
from learnhub.extensions import db


def _seed(numbers: list[str | None]) -> None:
    """A class with one member per number, written as an older release would have."""
    now = "2026-09-01 00:00:00+00:00"
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO classes (id, code, name, description, status, starts_on, ends_on, created_at, updated_at) "
            "VALUES (1, 'OLD', 'Old class', '', 'running', '2026-09-01', '2027-01-15', :now, :now)"), {"now": now})
        for index, number in enumerate(numbers, start=1):
            connection.execute(text(
                "INSERT INTO users (id, username, display_name, password_hash, role, active, "
                "must_change_password, time_factor, created_at, updated_at) VALUES "
                "(:id, :name, :name, 'x', 'member', true, false, 1.0, :now, :now)"),
                {"id": index, "name": f"old{index}", "now": now})
            connection.execute(text(
                "INSERT INTO class_memberships (id, class_id, user_id, role, student_no, enrolled_at, "
                "created_at, updated_at) VALUES (:id, 1, :id, 'member', :number, :now, :now, :now)"),
                {"id": index, "number": number, "now": now})


def _numbers() -> list:
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT student_no FROM class_memberships ORDER BY id")).scalars().all()


def test_blank_numbers_become_null_and_then_never_collide(empty_database_url):
    app = create_app(make_test_config(empty_database_url))
    with app.app_context():
        upgrade(revision="0006")
        _seed(["", "  ", " 2026001 ", None])
        upgrade(revision="0007")
        assert _numbers() == [None, None, "2026001", None]
        downgrade(revision="0006")
        db.engine.dispose()


def test_duplicate_numbers_stop_the_upgrade_and_change_nothing(empty_database_url, capfd):
    app = create_app(make_test_config(empty_database_url))
    with app.app_context():
        upgrade(revision="0006")
        _seed(["2026001", " 2026001", "2026002", ""])
        with pytest.raises(SystemExit):  # flask db upgrade: the message, exit status 1
            upgrade(revision="0007")
        assert "class 1: '2026001' held by 2 members" in capfd.readouterr().err
        assert _numbers() == ["2026001", " 2026001", "2026002", ""]
        with db.engine.begin() as connection:  # the operator fixes the record, and upgrades again
            connection.execute(text("UPDATE class_memberships SET student_no = '2026003' WHERE id = 2"))
        upgrade(revision="0007")
        assert _numbers() == ["2026001", "2026003", "2026002", None]
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(text("UPDATE class_memberships SET student_no = '2026001' WHERE id = 3"))
        db.engine.dispose()
