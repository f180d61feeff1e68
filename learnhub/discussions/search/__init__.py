"""Discussions: search (see learnhub/discussions/__init__.py): the tokens (tokens.py), the one
search function of the page and the API (services.py), the page, and `flask discussions reindex`."""


def init_app(app) -> None:
    from . import cli, views

    app.register_blueprint(views.bp)
    cli.register_cli(app)
