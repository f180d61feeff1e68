"""`flask --app wsgi classes ...`: the party school's commands, one group built per app."""
from __future__ import annotations

from ..core.cli import add_command_group


def register_cli(app) -> None:
    from .roster.cli import import_roster_command

    add_command_group(app, "classes", "Party school classes: rosters and more.", (import_roster_command,))
