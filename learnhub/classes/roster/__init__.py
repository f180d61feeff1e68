"""Roster: members' records and stages, roster import and export, one-member add, passwords."""


def init_app(app) -> None:
    from ...core.panels import register_panel
    from . import models, views  # noqa: F401  (models: tables known to the metadata)

    app.register_blueprint(views.bp)
    register_panel(app, "class_page", views.class_page_panel)
