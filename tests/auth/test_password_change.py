"""Forced password change (roster imports, admin resets, new accounts): the focused first-login
page, and POST /api/v1/me/password."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from learnhub.auth import services
from learnhub.auth.models import User
from tests.support.web import PASSWORD, csrf_from, login


def _must_change(db, user, password="one-time-pass-1"):
    services.set_password(user, password, must_change=True)
    db.session.commit()
    return password


FIRST = "/account/first-password"


def change_first(client, new="my-own-secret-9", confirm=None, next_url=None, csrf=True):
    """Post the focused page's form (its CSRF token taken from the page itself)."""
    url = FIRST + (f"?next={next_url}" if next_url else "")
    data = {"new_password": new, "confirm": new if confirm is None else confirm}
    if csrf:
        data["csrf_token"] = csrf_from(client, url)
    return client.post(url, data=data)


def test_pages_send_the_account_to_the_focused_page_until_changed(client, make_user, db):
    user = make_user()
    one_time = _must_change(db, user)
    logged_in = login(client, user.username, one_time, next_url="/courses/party-building-online")
    assert logged_in.headers["Location"] == f"{FIRST}?next=/courses/party-building-online"
    # Every page, the account page included, sends them there, keeping where they were going.
    for path in ("/", "/courses/party-building-online", "/account", "/classes", "/my/attempts",
                 "/admin/users", "/no-such-page"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == f"{FIRST}?next={path}", path
    # A form post elsewhere does nothing and is not replayed after the change.
    posted = client.post("/account", data={"csrf_token": csrf_from(client, FIRST),
                                           "prefs-display_name": "Changed", "prefs-save_preferences": "1"})
    assert posted.status_code == 302 and posted.headers["Location"] == FIRST
    page = client.get(f"{FIRST}?next=/courses/party-building-online").get_data(as_text=True)
    # Only the new password, twice: no current password, no preferences, no site menu.
    assert 'name="new_password"' in page and 'name="confirm"' in page
    assert "current_password" not in page and "prefs-" not in page and 'class="nav-links"' not in page
    assert "works only once" in page
    changed = change_first(client, next_url="/courses/party-building-online")
    assert changed.status_code == 302 and changed.headers["Location"] == "/courses/party-building-online"
    landed = client.get("/courses/party-building-online", follow_redirects=True).get_data(as_text=True)
    assert "Your password is saved" in landed
    assert "Other sessions were logged out" not in landed  # a brand-new account had none
    assert client.get("/account").status_code == 200
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert saved.must_change_password is False and saved.display_name != "Changed"
    assert services.authenticate(user.username, "my-own-secret-9") is not None
    assert services.authenticate(user.username, one_time) is None


def test_the_focused_page_without_next_goes_home_and_never_off_site(client, make_user, db):
    user = make_user()
    one_time = _must_change(db, user)
    assert login(client, user.username, one_time).headers["Location"] == FIRST
    assert change_first(client, next_url="//evil.example/x").headers["Location"] == "/"


def test_the_focused_page_refuses_bad_passwords_and_changes_nothing(client, make_user, db):
    user = make_user()
    one_time = _must_change(db, user)
    login(client, user.username, one_time)
    old_hash = db.session.get(User, user.id).password_hash
    cases = [("my-own-secret-9", "my-own-secret-8", "The passwords differ."),
             ("short", "short", "between 8 and 256"),
             (one_time, one_time, "not the one you were given"),
             ("", "", "This field is required.")]
    for new, confirm, message in cases:
        response = change_first(client, new, confirm)
        assert response.status_code == 200 and message in response.get_data(as_text=True), re.findall(r"field-error[^<]*", response.get_data(as_text=True))
    missing_csrf = change_first(client, csrf=False)
    assert missing_csrf.status_code == 400
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert saved.password_hash == old_hash and saved.must_change_password is True
    assert client.get("/").status_code == 302  # still only the one step


def test_the_new_password_ends_the_one_time_passwords_other_sessions(app, client, make_user, db):
    user = make_user()
    one_time = _must_change(db, user)
    elsewhere = app.test_client()
    login(elsewhere, user.username, one_time)
    login(client, user.username, one_time)
    assert change_first(client).status_code == 302
    assert client.get("/").status_code == 200
    assert elsewhere.get(FIRST).headers["Location"].startswith("/login")


def test_an_account_that_need_not_change_is_sent_on_and_cannot_skip_the_current_password(
        client, make_user, db):
    assert client.get(FIRST).headers["Location"].startswith("/login")  # anonymous
    user = make_user()
    login(client, user.username)
    assert client.get(FIRST).headers["Location"] == "/account"
    assert client.get(f"{FIRST}?next=/classes").headers["Location"] == "/classes"
    old_hash = user.password_hash
    token = csrf_from(client, "/account")
    posted = client.post(FIRST, data={"csrf_token": token, "new_password": "taken-over-99",
                                      "confirm": "taken-over-99"})
    assert posted.status_code == 302 and posted.headers["Location"] == "/account"
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == old_hash
    assert services.authenticate(user.username, PASSWORD) is not None
    with client.application.test_request_context():
        with pytest.raises(services.AccountError):  # the service refuses it too
            services.choose_own_password(db.session.get(User, user.id), "taken-over-99")


def test_the_account_page_still_says_other_sessions_were_logged_out(client, login_as):
    login_as()
    token = csrf_from(client, "/account")
    response = client.post("/account", data={
        "csrf_token": token, "pw-current_password": PASSWORD, "pw-new_password": "new-password-9",
        "pw-confirm": "new-password-9", "pw-change_password": "1"}, follow_redirects=True)
    assert "Other sessions were logged out" in response.get_data(as_text=True)


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
