"""Staff pages: a quiz's near-miss short answers to accept (preview, then apply) and the
regrade after a key fix. Both are linked from the quiz's all-attempts page."""
from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required

from ...auth.forms import ActionForm
from ...core.errors import DomainError, FieldError
from ...extensions import db
from . import services
from .loaders import load_regrade_quiz

bp = Blueprint("regrade", __name__)
BASE = "/courses/<course_slug>/quizzes/<quiz_slug>"


def accept_args(source) -> tuple[int, str, float]:
    """(question number, response, fraction) from a query string or a form; FieldError."""
    raw = (source.get("question") or "").strip()
    if not raw.isdigit() or len(raw) > 6:
        raise FieldError("question", _l("Choose a question."))
    try:
        fraction = float((source.get("fraction") or "1").strip().replace(",", "."))
    except ValueError:
        raise FieldError("fraction", _l("The credit is a fraction from 0.01 to 1.")) from None
    return int(raw), source.get("response") or "", fraction


def _render_responses(target, error: str | None = None, status: int = 200):
    return render_template("grading/regrade/responses.html", course=target.course, quiz=target.quiz,
                           questions=services.short_questions(target.row, target.quiz), error=error), status


def _accept(target, source, dry_run: bool):
    """Accept the response the query string or form names: (number, response, fraction, outcome).
    On a DomainError the change is rolled back and the request ends with the responses page
    showing the error, with its status."""
    try:
        number, response, fraction = accept_args(source)
        outcome = services.accept_response(current_user, target.row, target.quiz, number, response, fraction,
                                           dry_run=dry_run)
    except DomainError as error:
        db.session.rollback()
        abort(make_response(_render_responses(target, error.message, error.status)))
    return number, response, fraction, outcome


@bp.route(BASE + "/responses")
@login_required
def responses(course_slug: str, quiz_slug: str):
    return _render_responses(load_regrade_quiz(course_slug, quiz_slug))


@bp.route(BASE + "/responses/preview")
@login_required
def preview_accept(course_slug: str, quiz_slug: str):
    """What accepting would change; nothing is written (the change is rolled back)."""
    target = load_regrade_quiz(course_slug, quiz_slug)
    number, response, fraction, outcome = _accept(target, request.args, dry_run=True)
    question = target.quiz.questions[number - 1]
    return render_template("grading/regrade/accept_preview.html", course=target.course, quiz=target.quiz,
                           number=number, question=question, response=response, fraction=fraction,
                           outcome=outcome, form=ActionForm())


@bp.route(BASE + "/responses/accept", methods=["POST"])
@login_required
def accept(course_slug: str, quiz_slug: str):
    target = load_regrade_quiz(course_slug, quiz_slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    _number, _response, _fraction, outcome = _accept(target, request.form, dry_run=False)
    db.session.commit()
    flash(_("Accepted. %(changed)d of %(attempts)d attempts changed.", changed=outcome.changed,
            attempts=outcome.attempts), "info")
    return redirect(url_for("regrade.responses", course_slug=course_slug, quiz_slug=quiz_slug))


@bp.route(BASE + "/regrade", methods=["GET", "POST"])
@login_required
def regrade(course_slug: str, quiz_slug: str):
    """GET: the preview (rolled back). POST: apply, then back here."""
    target = load_regrade_quiz(course_slug, quiz_slug)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        outcome = services.regrade_quiz(current_user, target.row, target.quiz, dry_run=False)
        db.session.commit()
        flash(_("Regraded. %(changed)d of %(attempts)d attempts changed.", changed=outcome.changed,
                attempts=outcome.attempts), "info")
        return redirect(url_for("regrade.regrade", course_slug=course_slug, quiz_slug=quiz_slug))
    outcome = services.regrade_quiz(current_user, target.row, target.quiz, dry_run=True)
    return render_template("grading/regrade/regrade.html", course=target.course, quiz=target.quiz,
                           outcome=outcome, form=form)
