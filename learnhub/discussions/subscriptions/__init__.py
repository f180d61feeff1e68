"""Discussions: subscriptions (see learnhub/discussions/__init__.py)."""


def init_app(app) -> None:
    pass
