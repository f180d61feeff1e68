"""The one permission question: `allowed(user, action, obj=None)`.

Features register policies for their actions in `init_app` (flaskbb's requirements are
the model): a policy is `policy(user, obj) -> bool`, and an action is allowed when any of
its policies says yes. Global roles are the default policy (`register_role_policy`);
classes will add "staff of this object's class" to the same actions. Views (the
decorator), templates (the `allowed` Jinja global) and the API all ask this function.
"""
from __future__ import annotations

from collections import defaultdict
from functools import wraps
from typing import Callable

from flask import abort, current_app
from flask_login import current_user, login_required

ADMIN = "admin"
POLICIES_KEY = "learnhub_policies"

Policy = Callable[[object, object], bool]


def has_role(user, *roles: str) -> bool:
    """Global role check; admins pass every role check. Policies are built from it."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role == ADMIN or user.role in roles


def _policies(app) -> dict[str, list[Policy]]:
    return app.extensions.setdefault(POLICIES_KEY, defaultdict(list))


def register_policy(app, action: str, policy: Policy) -> None:
    _policies(app)[action].append(policy)


def register_role_policy(app, action: str, *roles: str) -> None:
    """`action` is allowed to these global roles (and to admins)."""
    register_policy(app, action, lambda user, _obj: has_role(user, *roles))


def allowed(user, action: str, obj=None) -> bool:
    policies = _policies(current_app).get(action)
    if not policies:
        raise KeyError(f"no policy registered for {action!r}")  # a typo must not mean "no"
    return any(policy(user, obj) for policy in policies)


def permission_required(action: str):
    """Require a logged-in user allowed to do `action` (no object); 403 otherwise."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not allowed(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def init_app(app) -> None:
    # The user object, not the proxy: a policy reads several of its attributes.
    app.jinja_env.globals["allowed"] = (
        lambda action, obj=None: allowed(current_user._get_current_object(), action, obj))
