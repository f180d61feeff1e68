"""`flask users ...` commands."""
from __future__ import annotations

import click
from sqlalchemy import func, select

from ..core.cli import add_command_group, command
from ..extensions import db
from . import services
from .models import ROLES, User


@command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
@click.option("--display-name", default=None)
@click.option("--password", default=None, help="Prompted for when not given.")
@click.option("--generate-password", "generate", is_flag=True,
              help="Generate a one-time password, print it once; it must be changed at first login.")
@click.option("--must-change", is_flag=True, help="A typed password must be changed at first login too.")
def create(username, role, display_name, password, generate, must_change):
    """Create an account."""
    if generate and password is not None:
        raise click.UsageError("Give --password or --generate-password, not both.")
    if generate:
        password = services.generate_password()
    elif password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(username, password, role, display_name,
                                    must_change=generate or must_change)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.username} ({user.role}).")
    if generate:
        click.echo(f"One-time password (shown once): {password}")
    if user.must_change_password:
        click.echo("The first login asks for a new password before anything else.")


@command("set-password")
@click.argument("username")
@click.option("--password", default=None, help="Prompted for when not given.")
def set_password(username, password):
    """Set a user's password (logs out their sessions and revokes API tokens)."""
    user = services.get_user_by_username(username)
    if user is None:
        raise click.ClickException(f"No user named {username!r}.")
    if password is None:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        services.set_password(user, password)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Password changed for {user.username}.")


@command("set-role")
@click.argument("username")
@click.argument("role")
def set_role(username, role):
    """Set a user's role (member, instructor, staff or admin); the last active admin stays."""
    user = services.get_user_by_username(username)
    if user is None:
        raise click.ClickException(f"No user named {username!r}.")
    try:
        services.change_role(None, user, role.strip().lower())
    except services.AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"{user.username} is now {user.role}.")


@command("list")
def list_users():
    """List accounts: username, role, active."""
    for user in db.session.scalars(select(User).order_by(User.username)):
        state = "active" if user.active else "inactive"
        click.echo(f"{user.username}\t{user.role}\t{state}\t{user.display_name}")


@command("ensure-admin")
def ensure_admin():
    """Create an `admin` account with a random password if there are no users at all."""
    if db.session.scalar(select(func.count()).select_from(User)):
        return
    password = services.generate_password()
    services.create_user("admin", password, "admin", "Administrator", must_change=True)
    db.session.commit()
    click.echo("=" * 64)
    click.echo("Created the first account:  admin")
    click.echo(f"Its password (shown once):  {password}")
    click.echo("The first login asks for a password of your own; or run:")
    click.echo("  flask --app wsgi users set-password admin")
    click.echo("=" * 64)


def register_cli(app) -> None:
    add_command_group(app, "users", "Manage user accounts.",
                      (create, set_password, set_role, list_users, ensure_admin))
