"""Announcement pages (post, read, edit, delete, read receipts, unread export) and the
class page's announcements panel (the home page's "what needs doing" is classes/home.py)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...auth.forms import ActionForm
from ...core.errors import DomainError
from ...core.exports import table_response
from ...core.forms import saved
from ...core.pagination import next_page_url, page_request
from ...core.permissions import allowed
from ...extensions import db
from ..loaders import load_class
from ..services import ensure_writable
from . import services as rules
from .forms import AnnouncementForm
from .loaders import load_announcement

bp = Blueprint("announcements", __name__)


def preview_of(form: AnnouncementForm) -> str | None:
    """For the Preview button: the body's HTML as readers will see it (the same renderer), with
    nothing saved. The whole form is checked so its errors show beside the preview, but only
    a bad CSRF token or a body the rules refuse withholds the preview."""
    form.validate()
    csrf = getattr(form, "csrf_token", None)
    if csrf is not None and csrf.errors:
        return None
    try:
        return rules.body_html(rules.clean_body(form.body.data))
    except DomainError as error:
        form.form_errors.append(error.message)
        return None


def form_page(form: AnnouncementForm, school_class, announcement=None):
    """The new/edit page; after Preview, with the preview above the form."""
    preview_html = preview_of(form) if form.is_submitted() and form.preview.data else None
    return render_template("classes/announcements_form.html", form=form, school_class=school_class,
                           announcement=announcement, preview_html=preview_html)


def _editable(announcement_id: int):
    announcement, school_class = load_announcement(announcement_id, "announcement.edit")
    ensure_writable(school_class)  # archived: the 409 page
    return announcement, school_class


@bp.route("/classes/<int:class_id>/announcements/new", methods=["GET", "POST"])
@login_required
def create(class_id: int):
    school_class = load_class(class_id, "class.staff")
    ensure_writable(school_class)
    form = AnnouncementForm()
    if not form.preview.data and form.validate_on_submit():
        posted = saved(form, lambda: rules.post_announcement(current_user, school_class, form.title.data,
                                                             form.body.data, form.pinned.data))
        if posted:
            flash(_("The announcement was published."), "info")
            return redirect(url_for("announcements.show", announcement_id=posted.value.id))
    return form_page(form, school_class)


@bp.route("/announcements/<int:announcement_id>")
@login_required
def show(announcement_id: int):
    """Opening the page is reading it: the first visit records the receipt."""
    announcement, school_class = load_announcement(announcement_id)
    if not school_class.read_only:  # an archived class's records stay as they were
        rules.mark_read(current_user, announcement)
        db.session.commit()
    entry = rules.announcement_entry(current_user, announcement)
    return render_template("classes/announcements_show.html", entry=entry, school_class=school_class,
                           body_html=rules.body_html(announcement.body), delete_form=ActionForm())


@bp.route("/announcements/<int:announcement_id>/edit", methods=["GET", "POST"])
@login_required
def edit(announcement_id: int):
    announcement, school_class = _editable(announcement_id)
    form = AnnouncementForm(obj=announcement)
    form.submit.label.text = _("Save")
    if not form.preview.data and form.validate_on_submit():
        if saved(form, lambda: rules.update_announcement(
                school_class, announcement, form.title.data, form.body.data, form.pinned.data)):
            flash(_("The announcement was saved."), "info")
            return redirect(url_for("announcements.show", announcement_id=announcement.id))
    return form_page(form, school_class, announcement)


@bp.route("/announcements/<int:announcement_id>/delete", methods=["POST"])
@login_required
def delete(announcement_id: int):
    announcement, school_class = _editable(announcement_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    rules.delete_announcement(current_user, school_class, announcement)
    db.session.commit()
    flash(_("The announcement was deleted."), "info")
    return redirect(url_for("classes.overview", class_id=school_class.id))


@bp.route("/announcements/<int:announcement_id>/receipts")
@login_required
def receipts(announcement_id: int):
    announcement, school_class = load_announcement(announcement_id, "class.staff")
    return render_template("classes/announcements_receipts.html", announcement=announcement,
                           school_class=school_class, receipts=rules.receipts(announcement))


@bp.route("/announcements/<int:announcement_id>/unread.<any(csv, xlsx):kind>")
@login_required
def export_unread(announcement_id: int, kind: str):
    """The members who have not read it yet, to chase them (CSV or XLSX)."""
    announcement, school_class = load_announcement(announcement_id, "class.staff")
    header = [_("Username"), _("Name"), _("Student or staff number"), _("Department or branch"), _("Phone")]
    rows = [[r.username, r.display_name, r.student_no, r.department, r.phone]
            for r in rules.receipts(announcement).unread]
    stem = _("%(code)s-unread-%(id)d", code=school_class.code, id=announcement.id)
    return table_response(kind, stem, header, rows, sheet_title=_("Unread"))


# ---- the list ---------------------------------------------------------------------------------

PAGE_SIZE = 20  # announcements on the class page's panel and on each page of the list


def _may_post(school_class) -> bool:
    return allowed(current_user, "class.staff", school_class) and not school_class.read_only


@bp.route("/classes/<int:class_id>/announcements")
@login_required
def index(class_id: int):
    """Every announcement of the class, pinned first, then newest first, PAGE_SIZE a page by
    keyset (`?after=`: one posted meanwhile neither repeats nor skips a row)."""
    school_class = load_class(class_id)
    page = rules.announcements_page(current_user, school_class, **page_request("after", PAGE_SIZE))
    page.next_url = next_page_url(page.next)
    return render_template("classes/announcements_list.html", school_class=school_class, page=page,
                           entries=page.items, may_post=_may_post(school_class))


def class_page_panel(school_class, role=None, **_context):
    """The class page's announcements: the list's first page, unread marked; "More" goes on to
    the list's second page."""
    page = rules.announcements_page(current_user, school_class, limit=PAGE_SIZE, cursor=None)
    more_url = url_for("announcements.index", class_id=school_class.id, after=page.next) if page.next else None
    return render_template("classes/announcements_panel.html", school_class=school_class,
                           entries=page.items, more_url=more_url, may_post=_may_post(school_class))
