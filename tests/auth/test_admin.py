"""User management: only administrators, and the rules they cannot break."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from learnhub.auth import services
from learnhub.auth.models import User
from tests.support.web import csrf_from, login

ADMIN_PAGES = ["/admin/users", "/admin/users/new"]


@pytest.mark.parametrize("role", ["member", "instructor", "staff"])
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_non_admins_get_403(client, login_as, role, path):
    login_as(role)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_anonymous_is_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_may_open_admin_pages(client, login_as, path):
    login_as("admin")
    assert client.get(path).status_code == 200


def test_member_cannot_post_admin_actions(client, login_as, make_user, db):
    login_as("member")
    victim = make_user("victim")
    token = csrf_from(client, "/account")
    assert client.post(f"/admin/users/{victim.id}/role", data={"csrf_token": token, "role": "admin"}).status_code == 403
    assert client.post(f"/admin/users/{victim.id}/active", data={"csrf_token": token}).status_code == 403
    db.session.expire_all()
    assert db.session.get(User, victim.id).role == "member"


def test_admin_creates_user_with_generated_password(client, login_as):
    login_as("admin")
    token = csrf_from(client, "/admin/users/new")
    response = client.post("/admin/users/new", data={"csrf_token": token, "username": "newbie",
                                                     "display_name": "New", "role": "staff", "password": ""})
    assert response.status_code == 200
    password = re.search(r'class="password-once"><code>([^<]+)</code>', response.get_data(as_text=True)).group(1)
    assert services.authenticate("newbie", password).role == "staff"


@pytest.mark.parametrize("typed", ["", "typed-by-admin-1"])
def test_an_account_the_admin_creates_chooses_its_own_password_first(app, client, login_as, db, typed):
    """Generated or typed, the admin knows the password: the first login asks for a new one."""
    login_as("admin")
    token = csrf_from(client, "/admin/users/new")
    response = client.post("/admin/users/new", data={"csrf_token": token, "username": "fresh",
                                                     "display_name": "", "role": "member", "password": typed})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "choose a password of their own" in html
    password = typed or re.search(r'class="password-once"><code>([^<]+)</code>', html).group(1)
    assert db.session.scalar(select(User.must_change_password).where(User.username == "fresh")) is True
    newcomer = app.test_client()
    assert login(newcomer, "fresh", password).headers["Location"] == "/account/first-password"


def test_admin_create_user_rejects_taken_name(client, login_as, make_user):
    login_as("admin")
    make_user("taken")
    token = csrf_from(client, "/admin/users/new")
    response = client.post("/admin/users/new", data={"csrf_token": token, "username": "taken",
                                                     "role": "member", "password": ""})
    assert "is taken" in response.get_data(as_text=True)


def test_admin_changes_role_deactivates_and_resets(client, login_as, make_user, db):
    login_as("admin")
    user = make_user("target")
    token = csrf_from(client, f"/admin/users/{user.id}")
    client.post(f"/admin/users/{user.id}/role", data={"csrf_token": token, "role": "instructor"})
    client.post(f"/admin/users/{user.id}/active", data={"csrf_token": token})
    response = client.post(f"/admin/users/{user.id}/reset-password", data={"csrf_token": token})
    password = re.search(r"<code>([^<]+)</code>", response.get_data(as_text=True)).group(1)
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert (saved.role, saved.active) == ("instructor", False)
    assert services.authenticate("target", password) is not None


def test_admin_cannot_deactivate_self_or_demote_last_admin(client, login_as, db):
    admin = login_as("admin")
    token = csrf_from(client, f"/admin/users/{admin.id}")
    client.post(f"/admin/users/{admin.id}/active", data={"csrf_token": token})
    response = client.post(f"/admin/users/{admin.id}/role", data={"csrf_token": token, "role": "member"},
                           follow_redirects=True)
    assert "last active administrator" in response.get_data(as_text=True)
    db.session.expire_all()
    saved = db.session.get(User, admin.id)
    assert (saved.role, saved.active) == ("admin", True)


def test_admin_action_without_csrf_is_rejected(client, login_as, make_user, db):
    login_as("admin")
    user = make_user("csrfvictim")
    assert client.post(f"/admin/users/{user.id}/role", data={"role": "admin"}).status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).role == "member"


def test_user_search_and_unknown_user(client, login_as, make_user):
    login_as("admin")
    make_user("findme")
    assert "findme" in client.get("/admin/users?q=FIND").get_data(as_text=True)
    assert client.get("/admin/users/999999").status_code == 404


def test_deactivated_admin_login_attempt(app, make_user):
    make_user("oldadmin", role="admin", active=False)
    response = login(app.test_client(), "oldadmin")
    assert "deactivated" in response.get_data(as_text=True)
