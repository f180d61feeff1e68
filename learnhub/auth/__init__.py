"""Users, roles, login/logout, API tokens and the admin's user management."""


def init_app(app) -> None:
    from ..core.panels import declare_slot
    from ..core.permissions import register_role_policy
    from . import admin_views, views
    from .cli import register_cli
    from .forms import ROLE_LABELS
    from .login import register_user_loader
    from .password_gate import send_to_password_form

    register_user_loader()
    app.register_blueprint(views.bp)
    app.register_blueprint(admin_views.bp)
    register_cli(app)
    app.before_request(send_to_password_form)
    app.context_processor(lambda: {"role_labels": ROLE_LABELS})
    register_role_policy(app, "admin.manage_users")  # admins only
    declare_slot(app, "login_destination")  # login and first-password pages: where the login leads
