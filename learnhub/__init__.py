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
                          engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))
    if app.config.get("TRUST_PROXY"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    from .core import i18n
    from .core.errors import register_error_handlers
    from .core.security import SessionInterface, set_security_headers
    from .courses.catalog import ContentCatalog
    from .extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
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
    register_error_handlers(app)
    i18n.register_template_helpers(app)
    app.extensions["learnhub_content"] = ContentCatalog(app.config["CONTENT_DIR"],
                                                        app.config["CONTENT_RELOAD_SECONDS"])


def _register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseIdConverter  # before any route is added
    from . import api, health
    from .auth import admin_views
    from .auth import views as auth_views
    from .auth.login import register_user_loader
    from .courses import views as course_views
    from .quizzes import views as quiz_views

    register_user_loader()
    # Course pages list a course's quizzes without the courses feature importing quizzes.
    from .quizzes.services import course_quizzes

    app.jinja_env.globals["course_quizzes"] = course_quizzes
    app.register_blueprint(health.bp)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(admin_views.bp)
    app.register_blueprint(course_views.bp)
    app.register_blueprint(quiz_views.bp)
    app.register_blueprint(api.bp)


def _register_cli(app: Flask) -> None:
    from .auth.cli import users_cli
    from .courses.cli import content_cli
    from .demo import demo_command
    from .courses.cli import register_check
    from .quizzes.cli import quizzes_cli
    from .quizzes.loader import check_quizzes

    app.cli.add_command(users_cli)
    app.cli.add_command(content_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(quizzes_cli)
    register_check(app, check_quizzes)
