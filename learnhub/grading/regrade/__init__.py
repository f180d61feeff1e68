"""Accepting a near-miss response and regrading after a key is fixed: preview, then apply."""


def init_app(app) -> None:
    from . import policies, views

    app.register_blueprint(views.bp)
    policies.register(app)
