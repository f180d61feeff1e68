"""`flask --app wsgi classes import-roster CODE FILE [--dry-run] [--passwords FILE]`."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import click
from sqlalchemy import select

from ...core.cli import command
from ...core.errors import DomainError
from ...extensions import db
from ..models import SchoolClass
from .files import read_roster_file
from .importer import apply_import, plan_import

CLI_MAX_BYTES = 16 * 1024 * 1024  # a file on the server's disk: no request limit (rows are capped)


def _print_preview(plan, err: bool) -> None:
    """The preview table; on stderr when stdout carries the password sheet."""
    for error in plan.file_errors:
        click.echo(f"file error: {error}", err=True)
    if plan.rows:
        click.echo(f"{'row':>5}  {'username':<24} {'result':<17} message", err=err)
    for row in plan.rows:
        click.echo(f"{row.row:>5}  {row.username[:24]:<24} {row.result:<17} {row.message}", err=err)
    if not plan.file_errors:
        click.echo(f"{plan.count('new_account')} new accounts, {plan.count('enrolled')} enrolled, "
                   f"{plan.count('already_enrolled')} already enrolled, {plan.count('error')} errors",
                   err=err)


def _write_sheet(plan, target: str | None) -> None:
    """The one-time passwords as CSV (UTF-8 with BOM for Excel): to the file, or stdout."""
    header = ["username", "display_name", "student_no", "password"]
    rows = [[r.username, r.values["display_name"], r.values.get("student_no") or "", r.password]
            for r in plan.new_accounts]
    if target:
        with open(target, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        click.echo(f"password sheet: {target} ({len(rows)} accounts)")
    elif rows:
        writer = csv.writer(sys.stdout)
        writer.writerow(header)
        writer.writerows(rows)


@command("import-roster")
@click.argument("code")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only print what each row would do.")
@click.option("--passwords", "passwords_file", type=click.Path(dir_okay=False, writable=True),
              help="Write the new accounts' one-time passwords to this CSV file (default: stdout).")
def import_roster_command(code: str, file: Path, dry_run: bool, passwords_file: str | None) -> None:
    """Import FILE (CSV or XLSX) into the class with CODE: all rows or none."""
    school_class = db.session.scalar(select(SchoolClass).where(SchoolClass.code == code))
    if school_class is None:
        raise click.ClickException(f"no class with the code {code}")
    parsed = read_roster_file(file.read_bytes(), file.name, max_bytes=CLI_MAX_BYTES)
    plan = plan_import(school_class, parsed)
    sheet_on_stdout = not dry_run and passwords_file is None
    _print_preview(plan, err=sheet_on_stdout)
    if not plan.ok:
        raise click.ClickException("the roster has errors: nothing was imported")
    if dry_run:
        click.echo("dry run: nothing was imported")
        return
    try:
        apply_import(None, school_class, plan)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"imported {plan.imported} members into {school_class.code}", err=sheet_on_stdout)
    _write_sheet(plan, passwords_file)
