"""`flask --app wsgi progress ...`: the progress feature's commands, one group built per app.

Each command is defined beside its code (`@command(...)` in recompute.py, seed_demo.py);
register_cli, called from init_app, puts them in the app's `progress` group.
"""
from __future__ import annotations

from ..core.cli import add_command_group


def register_cli(app) -> None:
    from .recompute import recompute_command
    from .seed_demo import seed_demo

    add_command_group(app, "progress", "Learning progress: recompute, demo data for the dashboards.",
                      (recompute_command, seed_demo))
