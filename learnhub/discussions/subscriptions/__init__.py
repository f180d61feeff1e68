"""Discussions: subscriptions (see learnhub/discussions/__init__.py): following threads, and
the reply and mention notifications a new post sends (services.on_post_created)."""


def init_app(app) -> None:
    from ...core.signals import post_created
    from . import services, views

    app.register_blueprint(views.bp)
    # Connected per app, weakly held by blinker: the function is module-level, so it lives on.
    post_created.connect(services.on_post_created, sender=app)
