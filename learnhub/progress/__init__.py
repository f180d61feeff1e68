"""Learning progress: completion rules, prerequisites, study time, dashboards."""


def init_app(app) -> None:
    from ..core.panels import register_panel
    from ..core.signals import attempt_graded, unit_viewed
    from ..courses.cli import register_check
    from ..courses.services import register_unit_gate
    from ..quizzes.services import register_quiz_gate
    from . import completion, exam_requirements, models, prerequisites, views  # noqa: F401
    from .cli import register_cli

    # Completion is written here, in answer to the lower features' signals (their transaction).
    unit_viewed.connect(completion.on_unit_viewed, sender=app)
    attempt_graded.connect(completion.on_attempt_graded, sender=app)
    register_unit_gate(app, prerequisites.unit_gate)
    register_quiz_gate(app, prerequisites.quiz_lock)
    register_quiz_gate(app, exam_requirements.class_exam_lock)
    register_check(app, prerequisites.check_requires)
    register_panel(app, "course_progress", views.course_progress_panel)
    register_panel(app, "course_unit_item", views.unit_list_item_panel)
    register_panel(app, "unit_progress", views.unit_progress_panel)
    register_panel(app, "unit_completion", views.unit_completion_panel)
    app.register_blueprint(views.bp)
    from . import dashboard_views  # the staff class dashboard
    dashboard_views.init_app(app)
    from . import member_dashboard_views  # the member dashboard: home page panels
    member_dashboard_views.init_app(app)
    register_cli(app)
