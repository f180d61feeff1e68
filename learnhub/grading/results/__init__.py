"""Class exam results: every member's status and score, exports, results release."""


def init_app(app) -> None:
    from ...core.signals import attempt_graded
    from ...quizzes.visibility import register_result_gate
    from . import services, views
    from .cli import register_cli

    app.register_blueprint(views.bp)
    register_result_gate(app, services.results_visible)
    attempt_graded.connect(services.on_attempt_graded, sender=app)
    register_cli(app)
