"""Roster: members' records and stages, roster import and export, one-member add, passwords."""


def init_app(app) -> None:
    from ...core.panels import register_panel
    from . import cli, members_views, models, views  # noqa: F401  (cli: import-roster joins the classes group)

    app.register_blueprint(views.bp)
    register_panel(app, "class_page", views.class_page_panel)
