"""`flask --app wsgi progress ...`: the progress feature's commands, one click group.

Every command of this feature attaches to `progress_cli` (`@progress_cli.command(...)`) in
its own module, imported by init_app; the group is added to the app once, there.
"""
from __future__ import annotations

from flask.cli import AppGroup

progress_cli = AppGroup("progress", help="Learning progress: recompute, demo data for the dashboards.")
