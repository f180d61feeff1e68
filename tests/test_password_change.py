"""Forced password change (roster imports, admin resets) and POST /api/v1/me/password."""
from __future__ import annotations

from sqlalchemy import select

from learnhub.auth import services
from learnhub.auth.models import User

from .conftest import PASSWORD, csrf_from, login


def _must_change(db, user, password="one-time-pass-1"):
    services.set_password(user, password, must_change=True)
    db.session.commit()
    return password


def test_pages_send_the_account_to_the_password_form_until_changed(client, make_user, db):
    user = make_user()
    one_time = _must_change(db, user)
    assert login(client, user.username, one_time).status_code == 302
    response = client.get("/courses/party-building-online")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account?next=/courses/party-building-online")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "works only once" in page
    token = csrf_from(client, "/account")
    changed = client.post("/account?next=/courses/party-building-online", data={
        "csrf_token": token, "pw-current_password": one_time, "pw-new_password": "my-own-secret-9",
        "pw-confirm": "my-own-secret-9", "pw-change_password": "Change password"})
    assert changed.status_code == 302 and changed.headers["Location"] == "/courses/party-building-online"
    assert client.get("/courses/party-building-online").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, user.id).must_change_password is False


def test_api_answers_403_until_the_password_is_changed(client, make_user, db):
    user = make_user()
    one_time = _must_change(db, user)
    issued = client.post("/api/v1/auth/token", json={"username": user.username, "password": one_time})
    assert issued.status_code == 201
    old = {"Authorization": f"Bearer {issued.get_json()['token']}"}
    blocked = client.get("/api/v1/courses", headers=old)
    assert blocked.status_code == 403
    assert blocked.get_json()["error"]["code"] == "password_change_required"
    assert client.get("/api/v1/me", headers=old).status_code == 200
    wrong = client.post("/api/v1/me/password", headers=old, json={"current": "nope-nope", "new": "x" * 12})
    assert wrong.status_code == 422 and wrong.get_json()["error"]["code"] == "invalid_password"
    short = client.post("/api/v1/me/password", headers=old, json={"current": one_time, "new": "short"})
    assert short.status_code == 422
    changed = client.post("/api/v1/me/password", headers=old, json={"current": one_time, "new": "my-own-secret-9"})
    assert changed.status_code == 200, changed.get_json()
    new = {"Authorization": f"Bearer {changed.get_json()['token']}"}
    assert client.get("/api/v1/courses", headers=new).status_code == 200
    assert client.get("/api/v1/courses", headers=old).status_code == 401  # the old token was revoked
    db.session.expire_all()
    assert services.authenticate(user.username, "my-own-secret-9") is not None


def test_cookie_caller_keeps_its_session_after_changing(client, make_user):
    user = make_user()
    assert login(client, user.username).status_code == 302
    csrf = {"X-CSRFToken": csrf_from(client, "/account")}
    changed = client.post("/api/v1/me/password", headers=csrf, json={"current": PASSWORD, "new": "my-own-secret-9"})
    assert changed.status_code == 200 and "token" not in changed.get_json()
    assert client.get("/api/v1/me").status_code == 200


def test_admin_reset_requires_a_change_and_the_cli_clears_it(app, make_user, db):
    admin, user = make_user(role="admin"), make_user()
    client = app.test_client()
    assert login(client, admin.username).status_code == 302
    token = csrf_from(client, f"/admin/users/{user.id}")
    assert client.post(f"/admin/users/{user.id}/reset-password", data={"csrf_token": token}).status_code == 200
    db.session.expire_all()
    assert db.session.get(User, user.id).must_change_password is True
    result = app.test_cli_runner().invoke(args=["users", "set-password", user.username],
                                          input="typed-at-terminal-1\ntyped-at-terminal-1\n")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalar(select(User.must_change_password).where(User.id == user.id)) is False


def test_bearer_token_beside_a_session_cookie_needs_no_csrf(client, make_user):
    """The bearer token decides: a client holding a cookie too is not asked for CSRF."""
    cookie_user, token_user = make_user(), make_user()
    assert login(client, cookie_user.username).status_code == 302
    token = services.issue_token(token_user)[0]
    from learnhub.extensions import db

    db.session.commit()
    response = client.post("/api/v1/courses/party-building-online/units/why-online/complete",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (200, 409), response.get_json()  # a rule, not csrf_failed
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()["username"] \
        == token_user.username
