"""Moderation pages: the thread and post actions (forms in the thread page's partials), the
report form, and the queue of reported posts. A refused or invalid action comes back on a
small page of its own with the form and the reason (4xx), never half done."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...auth.forms import ActionForm
from ...core.errors import DomainError
from ...core.forms import saved
from ...core.pagination import page_for_view
from ...extensions import db
from ..loaders import load_post, load_thread
from . import services
from .forms import HideForm, MoveForm, ReportForm, ResolveForm, UnhideForm
from .loaders import load_report

bp = Blueprint("moderation", __name__)
MODERATE = "discussion.moderate"


def _thread_url(thread, number: int | None = None) -> str:
    return url_for("discussions.thread", thread_id=thread.id) + (f"#post-{number}" if number else "")


def _form_page(form, *, title: str, thread, action: str, post=None, status: int = 200, intro: str = ""):
    """The one small page of every action with a form (hide, unhide, move, report): shown
    on GET (report, move) and again with the errors when a POST is refused."""
    return render_template("discussions/moderation_form.html", form=form, title=title, thread=thread,
                           post=post, action=action, intro=intro,
                           back=_thread_url(thread, post.number if post else None)), status


def _refused(form) -> int:
    """The status of a refused form: a rule's (kept by `saved` in form_errors) or 422."""
    return getattr(form, "refusal_status", 422)


def _save(form, action) -> bool:
    """Run the service and commit (True); a refusal rolls back, its message beside the field
    it names (or above the form) and its status kept for the page (False)."""
    return saved(form, action, summary=False) is not None


# ---- threads: pin, lock (buttons), hide, unhide, move ----------------------------------------------

_SWITCHES = {
    "pin": (services.set_pinned, True), "unpin": (services.set_pinned, False),
    "lock": (services.set_locked, True), "unlock": (services.set_locked, False),
}


def switch_thread(thread_id: int, change: str):
    thread = load_thread(thread_id, MODERATE)
    form = ActionForm()
    if not form.validate_on_submit():  # only the CSRF token: CSRFError answers first
        return redirect(_thread_url(thread))
    setter, value = _SWITCHES[change]
    if setter(current_user, thread, value):
        db.session.commit()
        flash({"pin": _("The thread is pinned."), "unpin": _("The thread is no longer pinned."),
               "lock": _("The thread is locked: no new replies."),
               "unlock": _("The thread is open for replies again.")}[change], "info")
    return redirect(_thread_url(thread))


for _change in _SWITCHES:
    bp.add_url_rule(f"/threads/<int:thread_id>/{_change}", f"{_change}_thread",
                    login_required(switch_thread), methods=["POST"], defaults={"change": _change})


@bp.route("/threads/<int:thread_id>/hide", methods=["POST"])
@login_required
def hide_thread(thread_id: int):
    thread = load_thread(thread_id, MODERATE)
    form = HideForm()
    if form.validate_on_submit() and _save(form, lambda: services.set_thread_hidden(
            current_user, thread, True, form.reason.data)):
        flash(_("The thread is hidden: only moderators see it."), "info")
        return redirect(_thread_url(thread))
    return _form_page(form, title=_("Hide the thread"), thread=thread, status=_refused(form),
                      action=url_for("moderation.hide_thread", thread_id=thread.id))


@bp.route("/threads/<int:thread_id>/unhide", methods=["POST"])
@login_required
def unhide_thread(thread_id: int):
    thread = load_thread(thread_id, MODERATE)
    form = UnhideForm()
    if form.validate_on_submit() and _save(form, lambda: services.set_thread_hidden(
            current_user, thread, False, form.reason.data)):
        flash(_("The thread is shown again."), "info")
        return redirect(_thread_url(thread))
    return _form_page(form, title=_("Show the thread again"), thread=thread, status=_refused(form),
                      action=url_for("moderation.unhide_thread", thread_id=thread.id))


@bp.route("/threads/<int:thread_id>/move", methods=["GET", "POST"])
@login_required
def move_thread(thread_id: int):
    thread = load_thread(thread_id, MODERATE)
    if thread.class_id is not None:
        raise DomainError(409, "class_thread", _("A class's thread stays in its class: it cannot be moved."))
    form = MoveForm()
    form.set_units(services.movable_units(thread))
    if not form.is_submitted():
        form.unit.data = next((u.slug for u in services.movable_units(thread) if u.id == thread.unit_id), "")
    elif form.validate_on_submit() and _save(form, lambda: services.move_thread(
            current_user, thread, form.unit.data or None)):
        flash(_("The thread was moved."), "info")
        return redirect(_thread_url(thread))
    return _form_page(form, title=_("Move the thread"), thread=thread,
                      status=_refused(form) if form.is_submitted() else 200,
                      action=url_for("moderation.move_thread", thread_id=thread.id))


# ---- posts: hide, unhide, report -------------------------------------------------------------------

@bp.route("/posts/<int:post_id>/hide", methods=["POST"])
@login_required
def hide_post(post_id: int):
    post, thread = load_post(post_id, MODERATE)
    form = HideForm()
    if form.validate_on_submit() and _save(form, lambda: services.set_post_hidden(
            current_user, post, thread, True, form.reason.data)):
        flash(_("The post is hidden."), "info")
        return redirect(_thread_url(thread, post.number))
    return _form_page(form, title=_("Hide post #%(number)d", number=post.number), thread=thread, post=post,
                      status=_refused(form), action=url_for("moderation.hide_post", post_id=post.id))


@bp.route("/posts/<int:post_id>/unhide", methods=["POST"])
@login_required
def unhide_post(post_id: int):
    post, thread = load_post(post_id, MODERATE)
    form = UnhideForm()
    if form.validate_on_submit() and _save(form, lambda: services.set_post_hidden(
            current_user, post, thread, False, form.reason.data)):
        flash(_("The post is shown again."), "info")
        return redirect(_thread_url(thread, post.number))
    return _form_page(form, title=_("Show post #%(number)d again", number=post.number), thread=thread,
                      post=post, status=_refused(form), action=url_for("moderation.unhide_post", post_id=post.id))


@bp.route("/posts/<int:post_id>/report", methods=["GET", "POST"])
@login_required
def report_post(post_id: int):
    post, thread = load_post(post_id)
    form = ReportForm()
    status = 200
    if form.is_submitted():
        if form.validate_on_submit() and _save(form, lambda: services.report_post(
                current_user, post, thread, form.reason.data)):
            flash(_("Thank you: the moderators will look at the post."), "info")
            return redirect(_thread_url(thread, post.number))
        status = _refused(form)
    return _form_page(form, title=_("Report post #%(number)d", number=post.number), thread=thread, post=post,
                      status=status, action=url_for("moderation.report_post", post_id=post.id),
                      intro=_("Report a post that breaks the rules: the moderators of this discussion "
                              "will see it with your reason. The author is not told who reported it."))


# ---- the queue -------------------------------------------------------------------------------------

@bp.route("/discussions/reports")
@login_required
def reports():
    services.require_queue(current_user)
    page = page_for_view(services.open_reports_query(current_user), services.QUEUE_ORDER, default_limit=50)
    rows = services.report_rows(page.items)
    groups: dict[int, list] = {}
    for row in rows:
        groups.setdefault(row.post_id, []).append(row)
    return render_template("discussions/moderation_reports.html", groups=list(groups.values()),
                           total=services.open_reports_count(current_user), next_url=page.next_url,
                           form=ResolveForm())


@bp.route("/reports/<int:report_id>/resolve", methods=["POST"])
@login_required
def resolve_report(report_id: int):
    report, post, thread = load_report(report_id)
    form = ResolveForm()
    if not form.validate_on_submit():
        raise DomainError(422, "invalid_field", _("Choose hide or dismiss."))
    services.resolve_report(current_user, report, post, thread, form.resolution.data)
    db.session.commit()
    flash(_("The post is hidden and its reports closed.") if form.resolution.data == "hidden"
          else _("The reports were dismissed."), "info")
    return redirect(url_for("moderation.reports"))
