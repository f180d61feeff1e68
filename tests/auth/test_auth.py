"""Login, logout, sessions, passwords, rate limits, CSRF and the users CLI."""
from __future__ import annotations

import re

import pytest

from learnhub.auth import services
from learnhub.auth.models import User
from learnhub.auth.views import safe_next
from tests.support.web import PASSWORD, csrf_from, login


def test_login_success_redirects_home_and_records_login(client, make_user, db):
    user = make_user("alice")
    response = login(client, "Alice")  # usernames are case-insensitive
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert db.session.get(User, user.id).last_login_at is not None
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("username,password", [("alice", "wrong-password"), ("nobody", PASSWORD)])
def test_login_failure_gives_one_message_for_unknown_user_and_wrong_password(client, make_user,
                                                                               username, password):
    make_user("alice")
    response = login(client, username, password)
    assert response.status_code == 200
    assert "Invalid username or password." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still anonymous


def test_deactivated_user_cannot_log_in(client, make_user):
    make_user("bob", active=False)
    response = login(client, "bob")
    assert "deactivated" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_deactivating_ends_existing_sessions(client, make_user, db):
    user = make_user("carol")
    login(client, "carol")
    admin = make_user("root", role="admin")
    services.set_active(admin, db.session.get(User, user.id), False)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_login_is_rate_limited(make_app, make_user):
    app = make_app(LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    with app.app_context():
        make_user("dave")
        for _ in range(3):
            assert login(client, "dave", "wrong-password").status_code == 200
        response = login(client, "dave", PASSWORD)
    assert response.status_code == 429
    assert client.get("/").status_code == 302  # the right password did not get through


def test_rate_limit_is_per_account_so_a_shared_campus_address_still_works(make_app, make_user):
    app = make_app(LOGIN_RATE_LIMIT="2 per minute", LOGIN_ADDRESS_RATE_LIMIT="5 per minute")
    names = ["target", "neighbour", "c1", "c2", "c3", "c4"]
    with app.app_context():
        for name in names:
            make_user(name)
    attacker, neighbour = app.test_client(), app.test_client()
    for _ in range(2):
        login(attacker, "target", "wrong-password")
    assert login(attacker, "target", PASSWORD).status_code == 429
    assert login(neighbour, "neighbour").status_code == 302  # same address, other account
    # The address as a whole still has a ceiling.
    statuses = [login(app.test_client(), name).status_code for name in names[2:]]
    assert 429 in statuses and statuses[0] == 302


def test_login_without_csrf_token_is_rejected(client, make_user):
    make_user("erin")
    response = client.post("/login", data={"username": "erin", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_login_starts_a_fresh_session(client, make_user):
    make_user("frank")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, "frank")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(str(services.get_user_by_username("frank").id))


@pytest.mark.parametrize("target,expected", [
    ("/courses/x", "/courses/x"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_redirect_only_follows_local_paths(client, make_user, target, expected):
    make_user("gina")
    response = login(client, "gina", next_url=target)
    assert response.headers["Location"] == expected


def test_safe_next_rejects_control_characters():
    assert safe_next("/ok\r\nSet-Cookie: x") is None
    assert safe_next("/fine?x=1") == "/fine?x=1"


def test_logout_needs_post_with_csrf(client, login_as):
    login_as()
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    token = csrf_from(client, "/account")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_change_password_logs_out_other_sessions(app, client, login_as):
    user = login_as()
    other = app.test_client()
    login(other, user.username)
    token = csrf_from(client, "/account")
    response = client.post("/account", data={
        "csrf_token": token, "pw-current_password": PASSWORD, "pw-new_password": "new-password-9",
        "pw-confirm": "new-password-9", "pw-change_password": "1"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this session carries on
    assert other.get("/").status_code == 302  # the other one is logged out
    assert login(app.test_client(), user.username, "new-password-9").status_code == 302


def test_change_password_with_wrong_current_password_changes_nothing(client, login_as, db):
    user = login_as()
    old_hash = user.password_hash
    token = csrf_from(client, "/account")
    response = client.post("/account", data={
        "csrf_token": token, "pw-current_password": "not-it-at-all", "pw-new_password": "new-password-9",
        "pw-confirm": "new-password-9", "pw-change_password": "1"})
    assert response.status_code == 200
    assert "The current password is not correct." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == old_hash


def test_preferences_set_language(client, login_as, db):
    user = login_as()
    token = csrf_from(client, "/account")
    client.post("/account", data={"csrf_token": token, "prefs-display_name": "Zhang",
                                  "prefs-locale": "zh_CN", "prefs-save_preferences": "1"})
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert (saved.display_name, saved.locale) == ("Zhang", "zh_CN")


def test_passwords_are_hashed(make_user):
    user = make_user()
    assert PASSWORD not in user.password_hash and user.password_hash.startswith("pbkdf2:")


def test_create_user_validates(app):
    with pytest.raises(services.AccountError):
        services.create_user("x", PASSWORD)  # too short
    with pytest.raises(services.AccountError):
        services.create_user("okname", "short")
    with pytest.raises(services.AccountError):
        services.create_user("okname", PASSWORD, role="king")
    services.create_user("okname", PASSWORD)
    with pytest.raises(services.AccountError):
        services.create_user("OKNAME", PASSWORD)


def test_users_cli_create_list_set_password(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "hana", "--role", "staff", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "create", "ivan"], input="pass-word-22\npass-word-22\n")
    assert result.exit_code == 0, result.output
    listing = runner.invoke(args=["users", "list"]).output
    assert "hana\tstaff\tactive" in listing and "ivan\tmember" in listing
    result = runner.invoke(args=["users", "set-password", "hana", "--password", "other-pass-33"])
    assert result.exit_code == 0
    assert services.authenticate("hana", "other-pass-33") is not None
    bad = runner.invoke(args=["users", "create", "hana", "--password", PASSWORD])
    assert bad.exit_code != 0 and "taken" in bad.output
    missing = runner.invoke(args=["users", "set-password", "nobody", "--password", PASSWORD])
    assert missing.exit_code != 0


def test_users_cli_generated_password_must_be_changed_and_a_typed_one_need_not(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "gena", "--generate-password"])
    assert result.exit_code == 0, result.output
    password = result.output.split("One-time password (shown once):")[1].split()[0]
    gena = services.authenticate("gena", password)
    assert gena is not None and gena.must_change_password
    typed = runner.invoke(args=["users", "create", "tina", "--password", PASSWORD])
    assert typed.exit_code == 0 and not services.get_user_by_username("tina").must_change_password
    forced = runner.invoke(args=["users", "create", "mona", "--password", PASSWORD, "--must-change"])
    assert forced.exit_code == 0 and services.get_user_by_username("mona").must_change_password
    both = runner.invoke(args=["users", "create", "bo", "--password", PASSWORD, "--generate-password"])
    assert both.exit_code != 0 and services.get_user_by_username("bo") is None


LOOK_ALIKES = set("lI1O0oi")


def test_one_time_passwords_have_no_look_alike_characters(app):
    passwords = {services.generate_password() for _ in range(200)}
    assert len(passwords) == 200
    for password in passwords:
        assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", password), password
        assert not LOOK_ALIKES & set(password), password
    used = set("".join(passwords).replace("-", ""))
    assert used == set(services.ONE_TIME_ALPHABET)  # every symbol of the alphabet is drawn


def test_ensure_admin_creates_one_admin_only_on_an_empty_database(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["users", "ensure-admin"])
    assert "Created the first account:  admin" in first.output
    password = first.output.split("Its password (shown once):")[1].split()[0]
    admin = services.authenticate("admin", password)
    assert admin.role == "admin" and admin.must_change_password  # a generated password: one use
    second = runner.invoke(args=["users", "ensure-admin"])
    assert second.output == ""


def test_demo_command_prints_working_passwords(app):
    output = app.test_cli_runner().invoke(args=["demo"]).output
    line = next(line for line in output.splitlines() if line.strip().startswith("teacher"))
    username, role, password = line.split()
    assert role == "instructor" and services.authenticate(username, password) is not None
