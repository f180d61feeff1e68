"""Certificate pages: issuing (head teacher, from the completion page), the printable
certificate (holder and class staff), revoking, and the public verification page."""
from __future__ import annotations

import segno
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required
from markupsafe import Markup

from ...classes.loaders import load_class
from ...core.forms import saved
from ...core.permissions import allowed
from ...core.types import utcnow
from ...extensions import limiter
from ..completion import views as completion_views
from ..completion.forms import ConfirmForm
from ..completion.services import class_completion
from . import services
from .forms import RevokeForm
from .limits import SCOPE, verify_limit
from .loaders import load_certificate

bp = Blueprint("certificates", __name__)


@bp.route("/classes/<int:class_id>/certificates", methods=["POST"])
@login_required
def issue(class_id: int):
    school_class = load_class(class_id, "class.manage")
    form = completion_views.confirm_form(class_completion(school_class, utcnow()), ConfirmForm(prefix="pick"))
    if form.validate_on_submit():
        done = saved(form, lambda: services.issue(current_user, school_class, form.usernames.data, utcnow()))
        if done:
            flash(ngettext("%(num)d certificate ready.", "%(num)d certificates ready.", len(done.value)), "info")
            return redirect(url_for("completion.index", class_id=class_id))
    return completion_views.render_page(school_class, form, 422)


def qr_svg(url: str) -> Markup:
    return Markup(segno.make(url, error="m").svg_inline(scale=1, omitsize=True, svgclass="qr-code",
                                                        lineclass="qr-line", title=_("Verification QR code")))


def _render_certificate(certificate, form=None, status=200):
    verify_url = url_for("certificates.verify", serial=certificate.serial, _external=True)
    can_revoke = allowed(current_user, "certificate.revoke", certificate) and certificate.valid
    return render_template("grading/certificates/show.html", certificate=certificate, verify_url=verify_url,
                           qr=qr_svg(verify_url), issued_on=services.local_day(certificate.issued_at),
                           study_hours=round(certificate.study_seconds / 3600, 1),
                           form=(form or RevokeForm()) if can_revoke else None), status


@bp.route("/certificates/<serial>")
@login_required
def show(serial: str):
    return _render_certificate(load_certificate(serial))


@bp.route("/certificates/<serial>/revoke", methods=["POST"])
@login_required
def revoke(serial: str):
    certificate = load_certificate(serial, "certificate.revoke")
    form = RevokeForm()
    if form.validate_on_submit() and saved(form, lambda: services.revoke(current_user, certificate, form.reason.data,
                                                                         utcnow())):
        flash(_("The certificate was revoked."), "info")
        return redirect(url_for("certificates.show", serial=certificate.serial))
    return _render_certificate(certificate, form, 422)


@bp.route("/verify")
def lookup():
    """Public: type the serial printed on a certificate (?serial=...) and go to its verification."""
    serial = (request.args.get("serial") or "").strip()[:services.SERIAL_MAX + 10]
    if serial:
        return redirect(url_for("certificates.verify", serial=services.normalise_serial(serial) or serial))
    return render_template("grading/certificates/lookup.html")


@bp.route("/verify/<serial>")
@limiter.shared_limit(verify_limit, scope=SCOPE)
def verify(serial: str):
    """Public: whether the serial is a valid certificate and whose; nothing else."""
    certificate = services.find(serial)
    facts = services.verification(certificate)
    return render_template("grading/certificates/verify.html", serial=serial[:40], facts=facts,
                           certificate=certificate), 200 if facts else 404


def class_page_panel(school_class, role=None, **_context):
    """On the class overview: the member's own certificate of this class."""
    if not allowed(current_user, "class.member", school_class):
        return None
    certificate = services.live_certificate(school_class.id, current_user.id)
    if certificate is None:
        return None
    return Markup(render_template("grading/certificates/class_panel.html", certificate=certificate))
