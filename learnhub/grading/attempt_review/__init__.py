"""Staff's view of an attempt: names, keys, points, save times, the integrity record in words;
integrity findings; the per-attempt export."""


def init_app(app) -> None:
    from ...quizzes.views import register_staff_attempt_view
    from . import models, policies, views  # noqa: F401  (models: tables known to the metadata)

    app.register_blueprint(views.bp)
    register_staff_attempt_view(app, views.staff_attempt_view)
    policies.register(app)
