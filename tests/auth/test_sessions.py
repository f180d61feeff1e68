"""Server-side login sessions: logout, idle time, lifetime, password changes, the hot path,
and `Cache-Control: no-store` on responses that carry secrets or answers."""
from __future__ import annotations

import re

from sqlalchemy import select

from learnhub.auth import services
from learnhub.auth.models import LoginSession, User
from tests.support.web import PASSWORD, csrf_from, login

QUIZ = "/api/v1/courses/qc/quizzes/every-type"


def copy_session_cookie(source, target) -> None:
    """What a thief does with a cookie read off a shared computer."""
    cookie = source.get_cookie("session")
    assert cookie is not None
    target.set_cookie("session", cookie.value)


def logged_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_copied_cookie_stops_working_after_logout(app, client, login_as):
    login_as()
    thief = app.test_client()
    copy_session_cookie(client, thief)
    assert logged_in(thief)  # the copy works while the session lives
    token = csrf_from(client, "/account")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert not logged_in(client)
    assert not logged_in(thief)  # the server ended the session, not only the browser's cookie


def test_logout_ends_only_that_session(app, client, login_as, db):
    user = login_as()
    phone = app.test_client()
    login(phone, user.username)
    client.post("/logout", data={"csrf_token": csrf_from(client, "/account")})
    assert logged_in(phone)
    rows = db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)).all()
    assert sorted(row.ended_at is None for row in rows) == [False, True]


def test_only_a_hash_of_the_session_id_is_stored(client, login_as, db):
    user = login_as()
    with client.session_transaction() as session:
        secret = session[services.LOGIN_SESSION_KEY]
    row = db.session.scalar(select(LoginSession).where(LoginSession.user_id == user.id))
    assert secret not in (row.token_hash, str(row.id))
    assert row.token_hash == services.session_digest(secret)
    assert row.user_agent is not None and row.ip_address == "127.0.0.1"


def test_session_ends_after_idle_time(make_app, make_user, clock):
    app = make_app(SESSION_IDLE_MINUTES=30)
    client = app.test_client()
    with app.app_context():
        make_user("idler")
        assert login(client, "idler").status_code == 302
        clock.advance(minutes=29)
        assert logged_in(client)  # activity moves the idle deadline on
        clock.advance(minutes=29)
        assert logged_in(client)
        thief = app.test_client()
        copy_session_cookie(client, thief)
        clock.advance(minutes=31)
        assert not logged_in(client)
        assert not logged_in(thief)


def test_default_idle_time_outlasts_a_long_exam(client, login_as, clock):
    login_as()
    clock.advance(minutes=239)  # a four-hour exam with no saved answer at all
    assert logged_in(client)
    clock.advance(minutes=241)
    assert not logged_in(client)


def test_session_ends_after_its_lifetime_even_when_used(make_app, make_user, clock):
    app = make_app(SESSION_LIFETIME_HOURS=3)
    client = app.test_client()
    with app.app_context():
        make_user("busy")
        login(client, "busy")
        for _ in range(5):
            clock.advance(minutes=35)
            assert logged_in(client)
        clock.advance(minutes=6)  # 3 h 1 min after logging in
        assert not logged_in(client)


def test_password_change_ends_other_sessions_and_copies_of_this_one(app, client, login_as):
    user = login_as()
    other, thief = app.test_client(), app.test_client()
    login(other, user.username)
    copy_session_cookie(client, thief)
    token = csrf_from(client, "/account")
    response = client.post("/account", data={
        "csrf_token": token, "pw-current_password": PASSWORD, "pw-new_password": "new-password-9",
        "pw-confirm": "new-password-9", "pw-change_password": "1"})
    assert response.status_code == 302
    assert logged_in(client)  # this browser carries on, with a new session id
    assert not logged_in(other)
    assert not logged_in(thief)  # whoever copied the old cookie is out too


def test_admin_reset_and_deactivate_end_the_users_sessions(app, client, login_as, make_user, db):
    login_as("admin")
    target = make_user("target")
    victim_browser = app.test_client()
    login(victim_browser, "target")
    assert logged_in(victim_browser)
    token = csrf_from(client, f"/admin/users/{target.id}")
    client.post(f"/admin/users/{target.id}/reset-password", data={"csrf_token": token})
    assert not logged_in(victim_browser)
    # Log in again with the new password, then the admin deactivates the account.
    db.session.expire_all()  # the reset (must change) was written by the request, not this session
    user = db.session.get(User, target.id)
    services.set_password(user, "fresh-password-1")
    db.session.commit()
    login(victim_browser, "target", "fresh-password-1")
    assert logged_in(victim_browser)
    client.post(f"/admin/users/{target.id}/active", data={"csrf_token": token})
    assert not logged_in(victim_browser)


def test_old_style_cookie_without_a_session_id_is_anonymous(client, make_user):
    user = make_user("legacy")
    with client.session_transaction() as session:
        session["_user_id"] = f"{user.id}:1"  # what a cookie looked like before login sessions
        session["_fresh"] = True
    assert not logged_in(client)


def test_user_and_session_load_in_one_query_and_last_seen_is_written_once_a_minute(
        client, login_as, count_queries, clock, db):
    user = login_as()
    client.get("/account")
    with count_queries() as statements:
        assert client.get("/account").status_code == 200
    loading = [s for s in statements if "login_sessions" in s]
    assert len(loading) == 1, statements
    assert "users" in loading[0] and loading[0].lstrip().upper().startswith("SELECT")
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE")]
    assert not [s for s in statements if "FROM users" in s and "login_sessions" not in s], statements

    clock.advance(seconds=61)
    with count_queries() as statements:
        assert client.get("/account").status_code == 200
    writes = [s for s in statements if s.lstrip().upper().startswith("UPDATE")]
    assert len(writes) == 1 and "login_sessions" in writes[0], statements
    row = db.session.scalar(select(LoginSession).where(LoginSession.user_id == user.id))
    db.session.refresh(row)
    assert row.last_seen_at == clock.now
    with count_queries() as statements:
        client.get("/account")
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE")]


def test_logging_in_removes_the_users_dead_sessions(app, make_user, clock, db):
    user = make_user("tidy")
    for _ in range(3):
        browser = app.test_client()
        login(browser, "tidy")
        browser.post("/logout", data={"csrf_token": csrf_from(browser, "/account")})
    login(app.test_client(), "tidy")
    rows = db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)).all()
    assert [row.ended_at for row in rows] == [None]


# ---- Cache-Control: no-store --------------------------------------------------------------

def no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def test_token_response_is_not_stored(client, make_user):
    make_user("apiuser")
    response = client.post("/api/v1/auth/token", json={"username": "apiuser", "password": PASSWORD})
    assert response.status_code == 201 and no_store(response)
    token = response.get_json()["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and no_store(me)
    refused = client.post("/api/v1/auth/token", json={"username": "apiuser", "password": "nope-nope"})
    assert no_store(refused)


def test_account_and_admin_password_pages_are_not_stored(client, login_as, make_user):
    login_as("admin")
    assert no_store(client.get("/account"))
    target = make_user("resetme")
    token = csrf_from(client, f"/admin/users/{target.id}")
    reset = client.post(f"/admin/users/{target.id}/reset-password", data={"csrf_token": token})
    assert reset.status_code == 200 and "password-once" in reset.get_data(as_text=True)
    assert no_store(reset)
    token = csrf_from(client, "/admin/users/new")
    created = client.post("/admin/users/new", data={"csrf_token": token, "username": "newbie",
                                                    "display_name": "New", "role": "member", "password": ""})
    assert re.search(r'class="password-once"', created.get_data(as_text=True)) and no_store(created)


def test_attempt_page_and_json_are_not_stored(quiz_client):
    started = quiz_client.api("POST", QUIZ + "/attempts")
    assert no_store(started)
    attempt_id = started.get_json()["id"]
    assert no_store(quiz_client.get(f"/attempts/{attempt_id}"))
    assert no_store(quiz_client.api("GET", f"/api/v1/attempts/{attempt_id}"))


def test_public_pages_and_course_assets_keep_their_caching(client, login_as):
    anonymous = client.get("/login")
    assert not no_store(anonymous)
    login_as()
    asset = client.get("/courses/party-building-online/assets/one-platform.svg")
    assert asset.status_code == 200 and "max-age=3600" in asset.headers["Cache-Control"]


def test_last_seen_is_written_even_when_the_request_already_holds_the_write_lock(app, make_user, clock, db):
    """A request that wrote before loading its user: on SQLite a second connection would wait
    for that request's own lock (15 s, then "database is locked"); it must not."""
    user = make_user("writer")
    with app.test_request_context():
        secret = services.start_session(user)
        db.session.commit()
        clock.advance(minutes=2)
        db.session.get(User, user.id).display_name = "Changed first"
        db.session.flush()
        loaded = services.load_session_user(str(user.id), secret)
        assert loaded is not None and loaded[0].id == user.id
        db.session.commit()
    db.session.expire_all()
    row = db.session.scalar(select(LoginSession).where(LoginSession.user_id == user.id))
    assert row.last_seen_at == clock.now
