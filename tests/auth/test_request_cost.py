"""What every request pays before its view: authentication is one statement (a bearer token
or a session cookie to the user's columns, no ORM object), and the per-request checks
(text, password gate, content change, outage, CSRF, security headers) query nothing."""
from __future__ import annotations

import pytest
from flask import template_rendered

from learnhub.auth import services
from learnhub.auth.identity import SignedInUser, user_record
from learnhub.auth.models import User


def selects(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def test_a_bearer_request_costs_one_statement(app, client, make_user, count_queries):
    user = make_user("bearer")
    with app.test_request_context():
        token, _record = services.issue_token(user)
    from learnhub.extensions import db

    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    client.get("/api/v1/me", headers=headers)  # the content index is built on a first request
    with count_queries() as statements:
        response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200
    assert response.get_json() == {"id": user.id, "username": "bearer", "display_name": "bearer",
                                   "role": "member", "locale": None}
    assert len(statements) == 1, statements
    assert "api_tokens" in statements[0] and "users" in statements[0]


def test_a_cookie_request_costs_one_statement(client, login_as, count_queries):
    user = login_as()
    client.get("/api/v1/me")
    with count_queries() as statements:
        response = client.get("/api/v1/me")
    assert response.status_code == 200 and response.get_json()["id"] == user.id
    assert len(statements) == 1, statements
    assert "login_sessions" in statements[0] and "users" in statements[0]


def test_a_logged_in_page_pays_the_loader_and_the_badge_only(client, login_as, count_queries):
    login_as()
    client.get("/account")
    with count_queries() as statements:
        assert client.get("/account").status_code == 200
    assert len(statements) == 2, statements  # the user and session; the header's unread count
    assert "login_sessions" in statements[0]
    assert "notifications" in statements[1]


def test_an_unknown_token_is_refused_in_one_statement(client, count_queries):
    client.get("/api/v1/me", headers={"Authorization": "Bearer warm-up"})
    with count_queries() as statements:
        response = client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "invalid_token"
    assert len(selects(statements)) == 1


def test_the_loaders_give_a_signed_in_user_and_no_orm_object(app, make_user, db):
    user = make_user("light", role="staff")
    user_id = user.id
    with app.test_request_context():
        token, _record = services.issue_token(user)
        secret = services.start_session(user)
        db.session.commit()
        db.session.expunge_all()
        by_token = services.user_for_token(token)
        by_cookie, live = services.load_session_user(str(user_id), secret)
        for loaded in (by_token, by_cookie):
            assert isinstance(loaded, SignedInUser)
            assert (loaded.id, loaded.username, loaded.role, loaded.active) == (user_id, "light", "staff", True)
            assert loaded.is_authenticated and not loaded.is_anonymous and loaded.get_id() == str(user_id)
        assert not [o for o in db.session.identity_map.values() if isinstance(o, User)]
        assert live.id and live.last_seen_at


def test_a_signed_in_user_quacks_like_user_and_writes_only_through_its_record(app, make_user, db):
    user = make_user("quack")
    with app.test_request_context():
        token, _record = services.issue_token(user)
        db.session.commit()
        signed_in = services.user_for_token(token)
        record = db.session.get(User, user.id)
        assert signed_in == record and record == signed_in and not (signed_in != record)
        assert signed_in.password_hash == record.password_hash  # not held: read from the row
        assert signed_in.created_at == record.created_at
        with pytest.raises(AttributeError):
            signed_in.no_such_column  # noqa: B018
        with pytest.raises(AttributeError, match="read-only"):
            signed_in.display_name = "Lost"
        assert user_record(signed_in) is record and user_record(record) is record
        services.set_locale(signed_in, "zh_CN")  # an account service takes either
        db.session.commit()
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "zh_CN"


def test_pages_see_a_signed_in_user(app, client, login_as):
    login_as()
    seen = []

    def record(sender, template, context, **extra):
        seen.append(type(context["current_user"]))

    with template_rendered.connected_to(record, app):
        assert client.get("/account").status_code == 200
    assert seen and set(seen) == {SignedInUser}
