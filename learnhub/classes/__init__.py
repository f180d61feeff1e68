"""The party school: classes, rosters and member records, scheduled exams, attendance, notices."""


def init_app(app) -> None:
    # copy_views and roster.members_views add routes to views.bp: imported before it is registered.
    from ..core.panels import declare_slot, register_panel
    from . import announcements, attendance, copy_views, exams, home, models, policies, roster, views  # noqa: F401
    from .cli import register_cli
    from .roster import members_views  # noqa: F401

    app.register_blueprint(views.bp)
    policies.register(app)
    register_cli(app)
    declare_slot(app, "class_page")  # the class overview (classes/overview.html); progress fills it too
    register_panel(app, "home_page", home.home_page_panel)  # the member's classes, first on the home page
    # Panels show in the order registered: sessions, announcements, exams, roster.
    attendance.init_app(app)
    announcements.init_app(app)
    exams.init_app(app)
    roster.init_app(app)
