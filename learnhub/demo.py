"""`flask demo`: demo accounts so the app can be tried in a minute."""
from __future__ import annotations

import os

import click

from .auth import services
from .extensions import db

DEMO_ACCOUNTS = [
    ("zhangwei", "member", "张伟"),
    ("lina", "member", "李娜"),
    ("wangfang", "member", "王芳"),
    ("teacher", "instructor", "刘老师 (instructor)"),
    ("staff", "staff", "陈干事 (staff)"),
]


@click.command("demo")
def demo_command():
    """Create (or reset) demo members, an instructor and a staff member; print passwords."""
    click.echo("Demo accounts (username / role / password):")
    for username, role, display_name in DEMO_ACCOUNTS:
        password = services.generate_password()
        user = services.get_user_by_username(username)
        if user is None:
            services.create_user(username, password, role, display_name)
        else:
            services.set_password(user, password)
        click.echo(f"  {username:<10} {role:<11} {password}")
    db.session.commit()
    # `make demo` passes the HOST and PORT that `make run` serves on.
    host = os.environ.get("HOST") or "127.0.0.1"
    port = os.environ.get("PORT") or "5000"
    click.echo(f"Log in at http://{host}:{port}/login")
