"""`flask grading release-due`: release the results of exams whose release time has passed
(run it from cron every few minutes; visibility does not wait for it, the notices do)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ...core.cli import command
from ...core.types import utcnow
from ...extensions import db
from .services import release_due


@command("release-due")
def release_due_command() -> None:
    """Notify members of results whose release time has passed (once per exam)."""
    released = release_due(utcnow())
    db.session.commit()
    click.echo(f"{len(released)} exam(s) released" + (f": {', '.join(map(str, released))}" if released else ""))


def register_cli(app) -> None:
    """Adds to the app's `flask grading` group (other grading parts may add theirs to it)."""
    group = app.cli.commands.get("grading")
    if group is None:
        group = AppGroup("grading", help="Results and grading.")
        app.cli.add_command(group)
    group.add_command(release_due_command)
