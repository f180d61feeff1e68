"""CLI wiring: commands are plain click objects; each feature adds its group in init_app.

A module defines `@command("name")` functions (nothing is attached at import time); the
feature's `register_cli(app)` builds its `flask <group> ...` on that app's `app.cli`, so two
apps never share a group and no command joins a group by a side-effect import.
"""
from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext


def command(name: str, **kwargs):
    """A click command run inside the app's context (what `AppGroup.command` gave)."""

    def decorator(f) -> click.Command:
        return click.command(name, **kwargs)(with_appcontext(f))

    return decorator


def add_command_group(app, name: str, help: str, commands) -> None:
    group = AppGroup(name, help=help)
    for each in commands:
        group.add_command(each)
    app.cli.add_command(group)
