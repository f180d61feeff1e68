"""The discussion forms that write: a new thread (course, unit, class), a reply, an edit,
delete and accept. Each loads and authorizes through the loaders, calls one posting
service and commits once; a refusal of a field shows beside the form (422), any other
refusal is the error page with its status."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ...auth.forms import ActionForm
from ...core.errors import DomainError, Forbidden
from ...courses.services import course_units
from ...extensions import db
from ..forms import EditPostForm, NewThreadForm, ReplyForm
from ..loaders import class_place, course_place, load_post, load_thread
from ..models import KINDS
from ..places import Place, course_entry
from ..posting import services as posting
from ..posting.limits import limit_posting
from .presenters import place_view
from .views import bp, thread_page

HIDDEN_FIELDS = ("quote", "client_key")  # their errors show above the form


def _submit(form, action):
    """Run a posting service for a valid form: its value, committed; None when it refused a
    field (the message shows beside it). Refusals of another kind propagate (403, 409...)."""
    try:
        value = action()
    except DomainError as error:
        db.session.rollback()
        fields = getattr(error, "fields", None)
        if not fields:
            raise
        for name, message in fields.items():
            field = getattr(form, name, None)
            if field is None or name in HIDDEN_FIELDS:
                form.form_errors.append(message)
            else:
                field.errors = [*field.errors, message]
        return None
    db.session.commit()
    return value


def _new_thread_page(place: Place, form: NewThreadForm, status: int = 200):
    return render_template("discussions/new_thread.html", form=form, view=place_view(place)), status


def _new_thread(place: Place, form: NewThreadForm):
    """Create the thread and go to it, or the form again with what is wrong."""
    if form.validate_on_submit():
        made = _submit(form, lambda: posting.create_thread(current_user, place, form.title.data, form.body.data,
                                                           kind=form.kind.data, client_key=form.client_key.data))
        if made:
            return redirect(url_for("discussions.thread", thread_id=made[0].id))
    elif not form.is_submitted() and request.args.get("kind") in KINDS:
        form.kind.data = request.args["kind"]
    return _new_thread_page(place, form, 422 if form.is_submitted() else 200)


@bp.route("/courses/<course_slug>/threads/new", methods=["GET", "POST"])
@login_required
@limit_posting
def new_course_thread(course_slug: str):
    """A thread on the course, or on one of its units (the select; ?unit=<slug> chooses it)."""
    place = course_place(course_slug, request.args.get("unit") or None, "discussion.post")
    units = course_units(course_entry(place.course_id), current_user)
    form = NewThreadForm()
    form.unit.choices = [SelectChoice("", _("The whole course")), *(SelectChoice(u.slug, u.title) for u in units)]
    if not form.is_submitted():
        form.unit.data = next((u.slug for u in units if u.id == place.unit_id), "")
    chosen = next((u.id for u in units if u.slug == form.unit.data), None)
    return _new_thread(Place(course_id=place.course_id, unit_id=chosen), form)


@bp.route("/classes/<int:class_id>/threads/new", methods=["GET", "POST"])
@login_required
@limit_posting
def new_class_thread(class_id: int):
    place = class_place(class_id, "discussion.post")
    form = NewThreadForm()
    del form.unit
    return _new_thread(place, form)


@bp.route("/threads/<int:thread_id>/posts", methods=["POST"])
@login_required
@limit_posting
def reply(thread_id: int):
    """A reply (quoting a post when the form carries one); its page shows it at once."""
    thread = load_thread(thread_id, "discussion.post")
    form = ReplyForm()
    if form.validate_on_submit():
        made = _submit(form, lambda: posting.reply(current_user, thread, form.body.data,
                                                   quote_post_id=form.quote.data, client_key=form.client_key.data))
        if made:
            return redirect(url_for("discussions.goto_post", post_id=made[0].id))
    return thread_page(thread, form, status=422)


def _editable(post_id: int):
    """(post, thread) the current user may edit, or the refusal the edit service would give."""
    post, thread = load_post(post_id)
    if post.deleted_at is not None:
        raise DomainError(409, "post_deleted", _l("This post was removed: it cannot be edited."))
    if not posting.may_edit(current_user, post, thread):
        if post.author_id == current_user.id and not post.hidden and not thread.locked:
            raise Forbidden(403, "edit_window_passed",
                            _l("Posts can be edited for %(minutes)d minutes after posting.",
                               minutes=posting.EDIT_WINDOW.seconds // 60))
        raise Forbidden(_l("You may not edit this post."))
    return post, thread


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
@limit_posting
def edit_post(post_id: int):
    post, thread = _editable(post_id)
    form = EditPostForm(data={"body": post.body, "title": thread.title} if request.method == "GET" else None)
    if post.number != 1:
        del form.title
    if form.validate_on_submit():
        title = form.title.data if post.number == 1 else None
        if _submit(form, lambda: posting.edit_post(current_user, post, thread, form.body.data, title=title)):
            return redirect(url_for("discussions.goto_post", post_id=post.id))
    return render_template("discussions/edit_post.html", form=form, post=post, thread=thread,
                           view=place_view(Place(thread.course_id, thread.unit_id, thread.class_id))), \
        422 if form.is_submitted() else 200


def _action(post_id: int, service):
    post, thread = load_post(post_id)
    if not ActionForm().validate_on_submit():
        raise DomainError(400, "bad_form", _l("The form expired. Reload the page and try again."))
    service(current_user, post, thread)
    db.session.commit()
    return redirect(url_for("discussions.goto_post", post_id=post.id))


@bp.route("/posts/<int:post_id>/delete", methods=["POST"])
@login_required
def delete_post(post_id: int):
    """Soft delete ("post removed"): the author or a moderator."""
    return _action(post_id, posting.delete_post)


@bp.route("/posts/<int:post_id>/accept", methods=["POST"])
@login_required
def accept_post(post_id: int):
    """Mark a reply as the accepted answer, or with undo=1 take the mark off."""
    undo = request.form.get("undo") == "1"
    return _action(post_id, posting.unaccept_post if undo else posting.accept_post)
