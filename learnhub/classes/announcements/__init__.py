"""Announcements of a class and their read receipts; the class page panel."""


def init_app(app) -> None:
    from ...core.panels import register_panel
    from . import models, policies, views  # noqa: F401  (models: tables known to the metadata)

    app.register_blueprint(views.bp)
    policies.register(app)
    register_panel(app, "class_page", views.class_page_panel)
