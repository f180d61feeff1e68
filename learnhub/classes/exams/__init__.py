"""Scheduled exams: windows, overrides, resets; the quiz engine's schedule provider; panels."""


def init_app(app) -> None:
    from ...core.panels import register_panel
    from ...quizzes.schedule import register_latest_close_provider, register_schedule_provider
    from . import models, policies, schedules, services, views  # noqa: F401  (models: tables known to the metadata)

    app.register_blueprint(views.bp)
    register_panel(app, "home_page", views.home_page_panel)
    register_panel(app, "class_page", views.class_page_panel)
    register_schedule_provider(app, schedules.exam_schedules)
    register_latest_close_provider(app, services.latest_close)  # answers after close wait for it
    policies.register(app)
