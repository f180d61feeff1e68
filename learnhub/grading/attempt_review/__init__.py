"""Staff's view of an attempt: names, keys, points, save times, the integrity record in words;
integrity findings; the per-attempt export."""


def init_app(app) -> None:
    from . import models, policies  # noqa: F401  (models: tables known to the metadata)

    policies.register(app)
