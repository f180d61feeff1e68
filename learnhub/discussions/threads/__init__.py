"""Discussions: the thread pages (lists of a course, a unit, a class; the thread page; the
new-thread, reply and edit forms; a post's history). Blueprint "discussions"."""


def init_app(app) -> None:
    from . import actions, views  # noqa: F401  (actions adds its routes to views.bp)

    app.register_blueprint(views.bp)
