"""Quizzes and exams: question files, attempts with a server-side clock, grading."""


def init_app(app) -> None:
    from ..core.panels import register_panel
    from ..courses.cli import register_check
    from ..courses.index import register_sync_step
    from . import accepted, policies, views  # noqa: F401  (accepted: its table known to the metadata)
    from .cli import register_cli
    from .loader import check_quizzes
    from .services import course_quizzes_panel, sync_quiz_rows
    from .visibility import result_held

    app.register_blueprint(views.bp)
    register_cli(app)
    register_check(app, check_quizzes)
    register_sync_step(app, sync_quiz_rows)
    register_panel(app, "course_page", course_quizzes_panel)
    policies.register(app)
    app.add_template_global(result_held)  # the member's result held back (a class exam's release)
