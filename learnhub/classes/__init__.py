"""The party school: classes, rosters and member records, scheduled exams, attendance, notices."""


def init_app(app) -> None:
    from . import announcements, attendance, exams, models, policies, roster, views  # noqa: F401
    from .cli import classes_cli

    app.register_blueprint(views.bp)
    policies.register(app)
    app.cli.add_command(classes_cli)  # each sub-package adds its commands (roster: import-roster)
    # Panels show in the order registered: sessions, announcements, exams, roster.
    attendance.init_app(app)
    announcements.init_app(app)
    exams.init_app(app)
    roster.init_app(app)
