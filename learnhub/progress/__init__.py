"""Learning progress: completion rules, prerequisites, study time, dashboards."""


def init_app(app) -> None:
    from . import models  # noqa: F401  (tables known to the metadata)
    from .cli import progress_cli  # one `progress` group: each area's module adds its commands

    app.cli.add_command(progress_cli)
