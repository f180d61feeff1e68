"""Final grades and completion: weights, thresholds, who qualifies and why, confirmation."""


def init_app(app) -> None:
    from ...core.panels import register_panel
    from . import models, views  # noqa: F401  (models: tables known to the metadata)

    app.register_blueprint(views.bp)
    register_panel(app, "class_page", views.class_page_panel)
