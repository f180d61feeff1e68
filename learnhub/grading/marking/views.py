"""Grading pages: a class's queue by quiz and question, one question graded across every
attempt ten at a time (blind by default), a staff override of one answer; the class page's panel."""
from __future__ import annotations

import math
import secrets
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required

from ...auth.forms import ActionForm
from ...auth.views import safe_next
from ...classes.loaders import load_class
from ...classes.services import ensure_writable
from ...core.errors import DomainError, NotFound
from ...core.permissions import allowed
from ...extensions import db
from ...quizzes.manual_grading import gradable_answer, grade_answer_manually
from . import services as queue
from .items import QueueItem

bp = Blueprint("marking", __name__)

SEED_KEY = "grading_seed"


def grading_seed() -> str:
    """Random per grader and session: the order a group's answers come in (stable on reload)."""
    seed = session.get(SEED_KEY)
    if not seed:
        seed = session[SEED_KEY] = secrets.token_hex(8)
    return f"{seed}:{current_user.id}"


def may_see_names(school_class) -> bool:
    """?names=1: the head teacher (and admins) only; a grader asking is refused (403)."""
    if request.args.get("names") != "1":
        return False
    if not allowed(current_user, "grading.names", school_class):
        abort(403)
    return True


def _parse_points(raw: str):
    try:
        return float(raw.strip().replace(",", "."))
    except ValueError:
        return math.nan  # refused by the service: 'Points must be a number from 0 to max'


def _parse_version(raw: str | None):
    return int(raw) if raw and raw.isdigit() and len(raw) < 10 else None


def grade_item(kind: str, item_id: int, points, comment, version, reason=None) -> int:
    """One item of the queue, by its kind: a quiz answer here, a submission by assignments."""
    if kind == "answer":
        return grade_answer_manually(current_user, item_id, points, comment, version, reason)
    from ..assignments.services import grade_submission  # the part that owns submissions

    return grade_submission(current_user, item_id, points, comment, version)


# ---- pages ---------------------------------------------------------------------------------------

@bp.route("/classes/<int:class_id>/grading")
@login_required
def overview(class_id: int):
    school_class = load_class(class_id, "class.staff")
    items = queue.class_queue(school_class)
    return render_template("grading/marking/overview.html", school_class=school_class,
                           groups=queue.queue_groups(items), total=len(items))


@dataclass
class Entry:
    item: QueueItem
    number: int
    response_html: str
    key: str
    error: str | None = None
    points: str = ""
    comment: str = ""


def _render_group(school_class, group_key: str, show_names: bool, errors=None, typed=None, status=200):
    items = queue.shuffled_group(queue.class_queue(school_class), group_key, grading_seed())
    entries = []
    for number, item in enumerate(items[:queue.BATCH], start=1):
        key = f"{item.kind}-{item.id}"
        entry = Entry(item, number, queue.response_html(item), key, (errors or {}).get(key))
        if typed and key in typed:
            entry.points, entry.comment = typed[key]
        entries.append(entry)
    first = items[0] if items else None
    return render_template("grading/marking/group.html", school_class=school_class, group_key=group_key,
                           first=first, entries=entries, total=len(items), show_names=show_names,
                           can_reveal=allowed(current_user, "grading.names", school_class),
                           form=ActionForm()), status


@bp.route("/classes/<int:class_id>/grading/<group_key>")
@login_required
def group(class_id: int, group_key: str):
    school_class = load_class(class_id, "class.staff")
    return _render_group(school_class, group_key, may_see_names(school_class))


@bp.route("/classes/<int:class_id>/grading/<group_key>", methods=["POST"])
@login_required
def grade_group(class_id: int, group_key: str):
    """Save every item of the page given points, each in its own savepoint of one transaction:
    an item another grader saved first (stale version) or with bad points is reported and not
    saved; the others are."""
    school_class = load_class(class_id, "class.staff")
    show_names = may_see_names(school_class)
    ensure_writable(school_class)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    pending = {f"{i.kind}-{i.id}": i for i in queue.class_queue(school_class) if i.group_key == group_key}
    saved, errors, typed = 0, {}, {}
    for key in request.form.getlist("item")[:queue.BATCH * 2]:
        raw_points = request.form.get(f"points-{key}", "").strip()
        comment = request.form.get(f"comment-{key}", "")
        if not raw_points:
            continue
        item = pending.get(key)
        if item is None:
            errors[key] = _("Another grader graded this answer first; it was not changed.")
            continue
        try:
            with db.session.begin_nested():
                grade_item(item.kind, item.id, _parse_points(raw_points), comment,
                           _parse_version(request.form.get(f"version-{key}")))
            saved += 1
        except DomainError as error:
            errors[key], typed[key] = error.message, (raw_points, comment)
    db.session.commit()
    if saved:
        flash(ngettext("%(num)d answer graded.", "%(num)d answers graded.", saved), "info")
    if errors:
        flash(ngettext("%(num)d answer was not saved: see below.", "%(num)d answers were not saved: see below.",
                       len(errors)), "error")
        return _render_group(school_class, group_key, show_names, errors, typed)
    remaining = [i for i in queue.class_queue(school_class) if i.group_key == group_key]
    if remaining:
        return redirect(url_for("marking.group", class_id=class_id, group_key=group_key,
                                **({"names": "1"} if show_names else {})))
    return redirect(url_for("marking.overview", class_id=class_id))


@bp.route("/answers/<int:answer_id>/grade", methods=["POST"])
@login_required
def grade_answer(answer_id: int):
    """Staff's change of one answer's grade (the staff attempt view embeds this form): points,
    comment, version, reason (required for an automatically graded question), next."""
    if not ActionForm().validate_on_submit():
        abort(400)
    found = gradable_answer(answer_id)
    if found is None or not allowed(current_user, "attempt.view", found[1]):
        raise NotFound(_("No answer %(id)s.", id=answer_id))
    queue.ensure_attempt_writable(found[1])
    grade_answer_manually(current_user, answer_id, _parse_points(request.form.get("points", "")),
                          request.form.get("comment"), _parse_version(request.form.get("version")),
                          request.form.get("reason"))
    db.session.commit()
    flash(_("The grade was saved."), "info")
    return redirect(safe_next(request.form.get("next")) or url_for("quizzes.attempt_page", attempt_id=found[1].id))


# ---- the class page's panel ----------------------------------------------------------------------

def class_page_panel(school_class, **_context) -> str:
    if not allowed(current_user, "class.staff", school_class):
        return ""
    count = len(queue.class_queue(school_class))
    return render_template("grading/marking/class_panel.html", school_class=school_class, count=count)
