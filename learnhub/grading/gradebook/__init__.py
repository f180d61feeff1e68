"""The class gradebook: members x exams and assignments, grading methods, ranking, export."""


def init_app(app) -> None:
    from ...core.panels import register_panel
    from . import views

    app.register_blueprint(views.bp)
    register_panel(app, "class_page", views.class_page_panel)
