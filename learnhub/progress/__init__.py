"""Learning progress: completion rules, prerequisites, study time, dashboards."""


def init_app(app) -> None:
    from . import models  # noqa: F401  (tables known to the metadata)
