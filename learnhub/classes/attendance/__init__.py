"""Attendance: sessions, rotating codes, check-in, marks, minutes, sign-in sheets."""


def init_app(app) -> None:
    from ...core.panels import register_panel
    from . import checkin_views, login, models, views  # noqa: F401  (checkin_views: routes of views.bp)

    app.register_blueprint(views.bp)
    register_panel(app, "class_page", views.sessions_panel)
    register_panel(app, "login_destination", login.destination_panel)  # what a scan checks in to
