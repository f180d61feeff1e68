"""`flask content check|sync`."""
from __future__ import annotations

import sys

import click
from flask import current_app

from ..core.cli import add_command_group, command
from ..extensions import db
from .catalog import get_catalog
from .index import sync_all
from .loader import load_tree

CHECKS_KEY = "learnhub_content_checks"


def register_check(app, check) -> None:
    """Higher features (quizzes) add checks: callables taking the tree, returning problems."""
    app.extensions.setdefault(CHECKS_KEY, []).append(check)


def check_tree(root):
    tree = load_tree(root)
    problems = list(tree.problems)
    for extra in current_app.extensions.get(CHECKS_KEY, []):
        problems.extend(extra(tree))
    return tree, problems


@command("check")
def check():
    """Validate every course, unit and quiz file; print path:line: message per problem."""
    tree, problems = check_tree(get_catalog().root)
    for problem in problems:
        click.echo(str(problem))
    units = sum(len(u) for u in tree.units.values())
    errors = [problem for problem in problems if not problem.warning]
    if errors:
        click.echo(f"{len(errors)} problem(s) found.", err=True)
        sys.exit(1)
    warnings = f", {len(problems)} warning(s)" if problems else ""
    click.echo(f"OK: {len(tree.courses)} courses, {units} units{warnings}.", err=True)


@command("sync")
def sync():
    """Index content/ into the database (run after adding or removing files)."""
    tree, problems = check_tree(get_catalog().root)
    for problem in problems:
        click.echo(f"{'note' if problem.warning else 'skipped'}: {problem}", err=True)
    result = sync_all(db.session, tree)
    db.session.commit()
    click.echo(f"Indexed {len(tree.courses)} courses: {result.added} added, "
               f"{result.updated} updated, {result.removed} removed.")


def register_cli(app) -> None:
    add_command_group(app, "content", "Validate and index the course files in content/.",
                      (check, sync))
