"""The party school: classes, rosters and member records, scheduled exams, attendance, notices."""


def init_app(app) -> None:
    from . import models, policies, views  # noqa: F401  (models: tables known to the metadata)

    app.register_blueprint(views.bp)
    policies.register(app)
    from . import attendance_views  # sessions, QR check-in, attendance, minutes; class page panel
    attendance_views.init_app(app)
    from . import checkin_login  # the login page says what a scan checks in to
    checkin_login.init_app(app)
    from . import announcements_views  # announcements, receipts; class and home page panels
    announcements_views.init_app(app)
    from . import exams_views  # scheduled exams; the quiz engine's schedule provider; panels
    exams_views.init_app(app)
    from . import roster_views  # roster, members' records, import and export; class page panel
    roster_views.init_app(app)
