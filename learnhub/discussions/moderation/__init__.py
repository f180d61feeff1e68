"""Discussions: moderation (pin, lock, hide, move; reports and their queue). See
learnhub/discussions/__init__.py."""


def init_app(app) -> None:
    from . import views

    app.register_blueprint(views.bp)
