"""LearnHub: online learning and exams for college party organisations."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import DEFAULTS, load_config
from .core.database import DatabaseIdConverter, configure_sqlite, engine_options


def create_app(config: dict | None = None) -> Flask:
    """Build the app. `config` overrides settings read from the environment (tests pass one)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(DEFAULTS)
    if config and config.get("LEARNHUB_ENV") == "test":
        app.config.update(config)
    else:
        app.config.update(load_config(Path(app.instance_path)))
        app.config.update(config or {})
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS",
                          engine_options(app.config["SQLALCHEMY_DATABASE_URI"],
                                         app.config["DATABASE_POOL_SIZE"], app.config["DATABASE_POOL_OVERFLOW"]))
    if app.config.get("TRUST_PROXY"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    _init_extensions(app)
    _init_features(app)
    return app


def _init_extensions(app: Flask) -> None:
    from .core import i18n, layout, outage, panels, permissions, request_id, text
    from .core.errors import register_error_handlers
    from .core.reads import configure_postgresql_reads
    from .core.security import SessionInterface, set_security_headers
    from .extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
        configure_postgresql_reads(db.engine)  # read requests without BEGIN/ROLLBACK round trips
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"),
                     render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    # "basic": a phone moving from Wi-Fi to 4G (new IP) must not be logged out mid-exam.
    login_manager.session_protection = "basic"
    app.session_interface = SessionInterface()
    app.after_request(set_security_headers)
    request_id.init_app(app)  # echo a client's X-Request-Id (log correlation across hosts)
    register_error_handlers(app)
    outage.init_app(app)  # database unreachable: 503 + Retry-After
    text.init_app(app)  # NUL / unpaired surrogates in args, forms, paths: 422
    i18n.register_template_helpers(app)
    layout.init_app(app)  # the base layout's fixed links, built once
    permissions.init_app(app)
    panels.init_app(app)


def _init_features(app: Flask) -> None:
    """Each feature registers its blueprints, CLI, checks, policies and panels, lowest first."""
    app.url_map.converters["int"] = DatabaseIdConverter  # before any route is added
    from . import api, auth, classes, courses, crowd, discussions, grading, health, progress, quizzes
    from .core import audit, notifications_views  # noqa: F401  (audit: the audit_log table)
    from .demo import demo_command

    notifications_views.init_app(app)  # core's page and header badge (the notifications table)
    for feature in (health, auth, courses, quizzes, classes, progress, grading, discussions, api):
        feature.init_app(app)
    app.cli.add_command(demo_command)
    crowd.register_cli(app)  # flask bench seed-crowd
