"""Manual grading by question: the queue, blind grading, versions, the audit of grade changes."""


def init_app(app) -> None:
    from ...core.panels import register_panel
    from . import policies, views

    app.register_blueprint(views.bp)
    register_panel(app, "class_page", views.class_page_panel)
    policies.register(app)
