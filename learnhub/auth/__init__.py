"""Users, roles, login/logout, API tokens and the admin's user management."""


def init_app(app) -> None:
    from ..core.permissions import register_role_policy
    from . import admin_views, views
    from .cli import users_cli
    from .login import register_user_loader

    register_user_loader()
    app.register_blueprint(views.bp)
    app.register_blueprint(admin_views.bp)
    app.cli.add_command(users_cli)
    register_role_policy(app, "admin.manage_users")  # admins only
