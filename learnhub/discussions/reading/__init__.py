"""Discussions: reading (see learnhub/discussions/__init__.py): unread tracking, the live poll
of an open thread, "mark all read", and the discussion panels of other pages."""


def init_app(app) -> None:
    from ...core.signals import post_created
    from . import panels, services, views

    app.register_blueprint(views.bp)
    panels.register(app)
    post_created.connect(services.on_post_created, sender=app)
