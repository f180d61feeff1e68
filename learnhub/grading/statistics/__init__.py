"""Quiz statistics with Moodle's definitions: test and question figures, histogram."""


def init_app(app) -> None:
    from . import views

    app.register_blueprint(views.bp)
