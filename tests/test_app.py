"""The app factory, configuration, health probes, security headers and error pages."""
from __future__ import annotations

import pytest

from learnhub import create_app
from learnhub.config import ConfigError, load_config, make_test_config

UNREACHABLE_DB = "sqlite:////nonexistent/dir/x.db"


def test_healthz_needs_no_database(count_queries):
    app = create_app(make_test_config(UNREACHABLE_DB))
    with app.app_context(), count_queries() as statements:
        response = app.test_client().get("/healthz")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "ok")
    assert statements == []
    assert "Set-Cookie" not in response.headers


def test_readyz_checks_the_database(client):
    assert client.get("/readyz").status_code == 200
    broken = create_app(make_test_config(UNREACHABLE_DB))
    assert broken.test_client().get("/readyz").status_code == 503


def test_security_headers_on_pages(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_pages_have_no_inline_script_or_style(client, login_as):
    login_as("admin")
    for path in ["/login", "/", "/courses/party-building-online/problems", "/admin/users", "/account"]:
        page = client.get(path).get_data(as_text=True)
        assert "<script>" not in page and " style=" not in page and "<style" not in page, path


def test_session_cookie_flags(client, make_user):
    from tests.support.web import CSRF_INPUT, csrf_from

    token = csrf_from(client, "/login")
    make_user("cookie")
    response = client.post("/login", data={"username": "cookie", "password": "correct-horse-1",
                                           "csrf_token": token})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    # Over https the login's session cookie is Secure (a fresh client: the form, then the post).
    https = client.application.test_client()
    form = https.get("/login", base_url="https://localhost")
    assert "Strict-Transport-Security" in form.headers
    token = CSRF_INPUT.search(form.get_data(as_text=True)).group(1)
    secure = https.post("/login", base_url="https://localhost",
                        headers={"Referer": "https://localhost/login"}, data={"username": "cookie", "password": "correct-horse-1", "csrf_token": token})
    assert secure.status_code == 302
    assert "Secure" in secure.headers["Set-Cookie"]


def test_https_requests_get_secure_cookies(make_app, make_user):
    app = make_app()
    client = app.test_client()
    response = client.get("/login", base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]


def test_production_requires_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("LEARNHUB_ENV", "production")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")  # chosen explicitly (see config)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        load_config(tmp_path)
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    config = load_config(tmp_path)
    assert config["SESSION_COOKIE_SECURE"] is True and config["DEBUG"] is False


def test_development_keeps_a_generated_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("LEARNHUB_ENV", "development")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_config(tmp_path)["SECRET_KEY"]
    assert len(first) >= 32 and first == load_config(tmp_path)["SECRET_KEY"]


def test_database_url_forms(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert load_config(tmp_path)["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    monkeypatch.delenv("DATABASE_URL")
    assert load_config(tmp_path)["SQLALCHEMY_DATABASE_URI"].endswith("learnhub.db")


def test_database_settings_from_the_environment(monkeypatch, tmp_path):
    for name, value in (("DATABASE_POOL_SIZE", "12"), ("DATABASE_POOL_OVERFLOW", "0"),
                        ("DATABASE_RETRY_AFTER", "7"), ("DATABASE_IDLE_PING_SECONDS", "0")):
        monkeypatch.setenv(name, value)
    config = load_config(tmp_path)
    assert (config["DATABASE_POOL_SIZE"], config["DATABASE_POOL_OVERFLOW"], config["DATABASE_RETRY_AFTER"],
            config["DATABASE_IDLE_PING_SECONDS"]) == (12, 0, 7, 0)
    monkeypatch.setenv("DATABASE_POOL_SIZE", "0")
    with pytest.raises(ConfigError, match="DATABASE_POOL_SIZE"):
        load_config(tmp_path)
    monkeypatch.setenv("DATABASE_POOL_SIZE", "3")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    app = create_app(load_config(tmp_path))  # the pool is sized as configured (no connection made)
    with app.app_context():
        from learnhub.extensions import db
        assert (db.engine.pool.size(), db.engine.pool._max_overflow) == (3, 0)


def test_bad_env_name_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("LEARNHUB_ENV", "staging")
    with pytest.raises(ConfigError):
        load_config(tmp_path)


def test_create_app_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LEARNHUB_ENV", "production")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")  # chosen explicitly (see config)
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("TIMEZONE", "Europe/London")
    app = create_app()
    assert app.config["BABEL_DEFAULT_TIMEZONE"] == "Europe/London"
    assert not app.debug and not app.testing


def test_error_pages(client, login_as):
    login_as()
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "Page not found" in missing.get_data(as_text=True)
    forbidden = client.get("/admin/users")
    assert forbidden.status_code == 403 and "Access denied" in forbidden.get_data(as_text=True)


def test_unexpected_errors_render_the_500_page(make_app):
    app = make_app()
    app.testing = False
    from learnhub.core.errors import handle_unexpected

    app.register_error_handler(Exception, handle_unexpected)

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong" in body and "kaboom" not in body


def test_static_files_are_local(client):
    page = client.get("/login").get_data(as_text=True)
    assert "http://" not in page.split("<main")[0] and "https://" not in page.split("<main")[0]
    assert client.get("/static/css/app.css").status_code == 200
