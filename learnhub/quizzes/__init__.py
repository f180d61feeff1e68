"""Quizzes and exams: question files, attempts with a server-side clock, grading."""


def init_app(app) -> None:
    from ..core.panels import register_panel
    from ..courses.cli import register_check
    from ..courses.index import register_sync_step
    from . import policies, views
    from .cli import register_cli
    from .loader import check_quizzes
    from .services import course_quizzes_panel, sync_quiz_rows

    app.register_blueprint(views.bp)
    register_cli(app)
    register_check(app, check_quizzes)
    register_sync_step(app, sync_quiz_rows)
    register_panel(app, "course_page", course_quizzes_panel)
    policies.register(app)
