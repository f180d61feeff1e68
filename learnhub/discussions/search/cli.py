"""`flask --app wsgi discussions reindex`: recompute every post's search tokens (after a change
of search/tokens.py), in batches, each committed, so a large site is not one long transaction."""
from __future__ import annotations

import click

from ...core.cli import add_command_group, command
from ...extensions import db
from .services import REINDEX_BATCH, reindex_batch


@command("reindex")
@click.option("--batch", default=REINDEX_BATCH, show_default=True, type=click.IntRange(1, 10_000),
              help="Posts per transaction.")
def reindex_command(batch: int) -> None:
    """Recompute the search tokens of every post."""
    after = read = changed = 0
    while (step := reindex_batch(after, batch)) is not None:
        db.session.commit()
        after, read_now, changed_now = step
        read, changed = read + read_now, changed + changed_now
    click.echo(f"{read} posts read, {changed} search texts changed.")


def register_cli(app) -> None:
    add_command_group(app, "discussions", "Discussions: search index.", (reindex_command,))
