"""Login, logout and the member's own account page."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, logout_user

from ..core.forms import saved
from ..extensions import db, limiter
from . import services
from .forms import ChangePasswordForm, LoginForm, NewPasswordForm, PreferencesForm
from .identity import user_record
from .login import current_login_session, start_login
from .password_gate import first_password_url

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after login (no open redirects)."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def address_limit() -> str:
    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


def address_and_username() -> str:
    """Guesses against one account are limited per address and username, so a class
    logging in behind one campus NAT address is not locked out by its neighbours."""
    from ..core.api import parsed_json  # never raises: an unparsable body is the view's 400

    data = request.form or parsed_json()
    username = data.get("username") if isinstance(data, dict) or hasattr(data, "getlist") else None
    return f"{get_remote_address()}|{services.normalise_username(str(username or ''))[:64]}"


# Applied to the login form and the API token endpoint alike.
login_limits = [
    limiter.limit(login_limit, key_func=address_and_username, methods=["POST"]),
    limiter.limit(address_limit, methods=["POST"]),
]


def rate_limited(view):
    for limit in login_limits:
        view = limit(view)
    return view


@bp.route("/login", methods=["GET", "POST"])
@rate_limited
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("courses.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.password.data)
        if user is None:
            flash(_("Invalid username or password."), "error")
        elif not user.active:
            flash(_("This account has been deactivated. Ask an administrator."), "error")
        else:
            next_url = safe_next(request.args.get("next"))
            session.clear()  # a fresh session on login: nothing planted before survives
            start_login(user)
            services.record_login(user)
            db.session.commit()
            if user.must_change_password:  # straight to the one step, keeping where they were going
                return redirect(first_password_url(next_url))
            return redirect(next_url or url_for("courses.home"))
    return render_template("auth/login.html", form=form, next_url=safe_next(request.args.get("next"))), 200


@bp.route("/logout", methods=["POST"])
def logout():
    """Ends the session on the server too: a copy of the cookie stops working."""
    login_session = current_login_session()
    if login_session is not None:
        services.end_session(login_session.id)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    preferences = PreferencesForm(obj=current_user, prefix="prefs")
    password_form = ChangePasswordForm(prefix="pw")
    if request.method == "GET":
        preferences.locale.data = current_user.locale or ""
    elif preferences.save_preferences.data and preferences.validate():
        user_record(current_user).display_name = preferences.display_name.data.strip()
        services.set_locale(current_user, preferences.locale.data or None)
        db.session.commit()
        flash(_("Your preferences were saved."), "info")
        return redirect(url_for("auth.account"))
    elif password_form.change_password.data and password_form.validate():
        def change():
            services.change_password(current_user, password_form.current_password.data,
                                     password_form.new_password.data)
            # Every session ended, this one too (a copy of its cookie may be what leaked):
            # this browser carries on with a new one.
            start_login(user_record(current_user))

        if saved(password_form, change, password_form.current_password.errors):
            flash(_("Your password was changed. Other sessions were logged out."), "info")
            return redirect(safe_next(request.args.get("next")) or url_for("auth.account"))
    return render_template("auth/account.html", preferences=preferences, password_form=password_form)


@bp.route("/account/first-password", methods=["GET", "POST"])
@login_required
def first_password():
    """The one focused step of an account that must change its password: the new password
    twice, then on to where the member was going (`next`). Anyone else has nothing to do
    here and goes on (or to the account page, where a password is changed)."""
    next_url = safe_next(request.args.get("next"))
    if not current_user.must_change_password:
        return redirect(next_url or url_for("auth.account"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        def choose():
            services.choose_own_password(current_user, form.new_password.data)
            start_login(user_record(current_user))  # set_password ended this session too

        if saved(form, choose, form.new_password.errors):
            # Not "other sessions were logged out": a first password ends none that matter.
            flash(_("Your password is saved. Use it from now on."), "info")
            return redirect(next_url or url_for("courses.home"))
    return render_template("auth/first_password.html", form=form, next_url=next_url)
