"""Small HTTP edges: bounded paging, account-creation races, 405 Allow, the OpenAPI `limit`,
translated API errors, `make demo`'s URL, and production's rate-limit storage."""
from __future__ import annotations

import os
import subprocess

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from learnhub.auth import services
from learnhub.auth.models import User
from learnhub.config import PROJECT_ROOT, ConfigError, load_config
from tests.support.web import PASSWORD, csrf_from

# ---- /admin/users?page= -----------------------------------------------------------------

@pytest.mark.parametrize("page", ["10" + "0" * 20, str(2**63), "99999999999", "-5", "abc", "9" * 5000])
def test_admin_users_page_is_bounded(client, login_as, page):
    admin = login_as("admin")
    response = client.get(f"/admin/users?page={page}")
    assert response.status_code == 200
    assert admin.username in response.get_data(as_text=True)  # the last (only) page


# ---- account creation races ---------------------------------------------------------------

def _racing_lookup(monkeypatch, create_the_winner):
    """The name check runs before a concurrent request commits the same username."""
    real = services.get_user_by_username
    calls = []

    def lookup(name):
        if not calls:
            calls.append(name)
            create_the_winner(services.normalise_username(name))
            return None
        return real(name)

    monkeypatch.setattr(services, "get_user_by_username", lookup)


def _row(name: str) -> dict:
    return {"username": name, "display_name": name, "password_hash": "x", "role": "member"}


def test_create_user_race_is_the_taken_error_and_keeps_the_callers_transaction(app, db, monkeypatch):
    keeper = services.create_user("keeper", PASSWORD)
    _racing_lookup(monkeypatch, lambda name: db.session.execute(insert(User).values(**_row(name))))
    with pytest.raises(services.AccountError, match="taken"):
        services.create_user("Dup", PASSWORD)
    db.session.commit()  # the caller's work before the race is intact
    names = set(db.session.scalars(select(User.username)))
    assert names == {"keeper", "dup"} and keeper.id is not None


def test_create_user_race_between_two_connections_on_postgres(app, db, monkeypatch, is_postgres):
    if not is_postgres:
        pytest.skip("SQLite serialises writers: the other connection would wait for ours")

    def other_request(name):
        with Session(db.engine) as other:
            other.execute(insert(User).values(**_row(name)))
            other.commit()

    keeper = services.create_user("keeper", PASSWORD)
    _racing_lookup(monkeypatch, other_request)
    with pytest.raises(services.AccountError, match="taken"):
        services.create_user("dup", PASSWORD)
    db.session.commit()
    assert set(db.session.scalars(select(User.username))) == {"keeper", "dup"} and keeper.id


def test_admin_create_user_race_is_a_form_error(client, login_as, db, monkeypatch):
    login_as("admin")
    token = csrf_from(client, "/admin/users/new")
    _racing_lookup(monkeypatch, lambda name: db.session.execute(insert(User).values(**_row(name))))
    response = client.post("/admin/users/new", data={"username": "racer", "display_name": "R",
                                                     "role": "member", "password": "long-enough-1",
                                                     "csrf_token": token})
    assert response.status_code == 200
    assert "is taken" in response.get_data(as_text=True)


# ---- 405 carries Allow --------------------------------------------------------------------

def test_405_has_allow_for_a_page_and_an_api_route(client):
    page = client.get("/logout")
    assert page.status_code == 405 and "POST" in page.headers["Allow"]
    api = client.put("/api/v1/auth/token", json={})
    assert api.status_code == 405
    assert {"POST", "DELETE"} <= {m.strip() for m in api.headers["Allow"].split(",")}
    assert api.get_json()["error"]["code"] == "method_not_allowed"


# ---- OpenAPI ------------------------------------------------------------------------------

def test_openapi_limit_has_minimum_one(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    limits = [p for path in spec["paths"].values() for op in path.values() if isinstance(op, dict)
              for p in op.get("parameters", []) if p.get("name") == "limit"]
    assert limits and all(p["schema"].get("minimum") == 1 for p in limits)


# ---- API errors in the caller's language ---------------------------------------------------

def test_api_error_message_in_chinese(client, make_user):
    make_user("apiuser")
    zh = {"Accept-Language": "zh-CN,zh;q=0.9"}
    response = client.post("/api/v1/auth/token", json={"username": "apiuser", "password": "wrong-pass"},
                           headers=zh)
    assert response.status_code == 401
    assert response.get_json()["error"] == {"code": "invalid_credentials", "message": "用户名或密码错误。"}
    english = client.post("/api/v1/auth/token", json={"username": "apiuser", "password": "wrong-pass"})
    assert english.get_json()["error"]["message"] == "Invalid username or password."
    method = client.put("/api/v1/auth/token", json={}, headers=zh)
    assert method.get_json()["error"]["message"] == "此页面不接受该类型的请求。"


def test_api_and_core_error_messages_go_through_gettext(app, monkeypatch):
    """Every message is looked up in the catalog (English source strings unchanged)."""
    import flask_babel

    seen = []
    real = flask_babel.Domain.gettext

    def recording(self, string, **variables):
        seen.append(string)
        return real(self, string, **variables)

    monkeypatch.setattr(flask_babel.Domain, "gettext", recording)
    client = app.test_client()
    client.post("/api/v1/auth/token", data="x", content_type="application/json")
    client.get("/api/v1/me")
    client.get("/api/v1/courses?limit=0", headers={"Authorization": "Bearer nope"})
    assert "The request body must be a JSON object." in seen
    assert "Log in or send 'Authorization: Bearer <token>'." in seen
    assert "The bearer token is invalid, expired or revoked." in seen


# ---- make demo ----------------------------------------------------------------------------

def test_demo_prints_the_port_it_was_given(app):
    from learnhub.demo import demo_command

    result = app.test_cli_runner().invoke(demo_command, env={"PORT": "8123", "HOST": "0.0.0.0"})
    assert result.exit_code == 0, result.output
    assert "http://0.0.0.0:8123/login" in result.output and ":5000" not in result.output
    default = app.test_cli_runner().invoke(demo_command, env={"PORT": "", "HOST": ""})
    assert "http://127.0.0.1:5000/login" in default.output


def test_make_demo_passes_port():
    dry = subprocess.run(["make", "-n", "demo", "PORT=8123"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                         env={**os.environ, "MAKEFLAGS": ""})
    line = next(l for l in dry.stdout.splitlines() if "flask demo" in l)
    assert "PORT=8123" in line


# ---- production refuses per-process rate-limit storage ----------------------------------------

@pytest.fixture
def production_env(monkeypatch):
    monkeypatch.setenv("LEARNHUB_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    for name in ("REDIS_URL", "RATELIMIT_STORAGE_URI", "RATELIMIT_ENABLED"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_production_without_shared_limiter_storage_refuses_to_start(production_env, tmp_path):
    with pytest.raises(ConfigError, match="REDIS_URL") as caught:
        load_config(tmp_path)
    assert "RATELIMIT_STORAGE_URI=memory://" in str(caught.value)


def test_production_accepts_redis_or_explicit_memory(production_env, tmp_path):
    production_env.setenv("REDIS_URL", "redis://cache:6379/0")
    assert load_config(tmp_path)["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"
    production_env.delenv("REDIS_URL")
    production_env.setenv("RATELIMIT_STORAGE_URI", "memory://")
    assert load_config(tmp_path)["RATELIMIT_STORAGE_URI"] == "memory://"
    production_env.setenv("RATELIMIT_STORAGE_URI", "redis://other:6379/1")
    assert load_config(tmp_path)["RATELIMIT_STORAGE_URI"] == "redis://other:6379/1"


def test_production_with_rate_limits_off_needs_no_storage(production_env, tmp_path):
    production_env.setenv("RATELIMIT_ENABLED", "0")
    assert load_config(tmp_path)["RATELIMIT_ENABLED"] is False


def test_development_keeps_memory_limits(monkeypatch, tmp_path):
    monkeypatch.setenv("LEARNHUB_ENV", "development")
    for name in ("REDIS_URL", "RATELIMIT_STORAGE_URI"):
        monkeypatch.delenv(name, raising=False)
    assert load_config(tmp_path)["RATELIMIT_STORAGE_URI"] == "memory://"
