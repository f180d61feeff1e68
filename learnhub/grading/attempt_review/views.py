"""The staff's view of an attempt (shown at /attempts/<id> to whoever reviews it), its export,
and recording or withdrawing an integrity finding."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...classes.exams.loaders import load_exam
from ...core.errors import DomainError
from ...core.exports import table_response
from ...core.permissions import allowed
from ...core.times import utc_to_form, zone_label
from ...core.types import utcnow
from ...extensions import db
from ...quizzes.loaders import load_attempt
from ...quizzes.presenters import attempt_view
from ...quizzes.services import NotYours
from .forms import FindingForm, WithdrawForm
from .presenters import staff_attempt, status_labels
from .responses import exam_responses
from .services import record_finding, standing_finding, withdraw_finding

bp = Blueprint("attempt_review", __name__)


def _load(attempt_id: int, action: str):
    """The attempt (404 for whoever may not see it), then `action` on it (403)."""
    found = load_attempt(attempt_id)
    if not allowed(current_user, action, found.attempt):
        raise NotYours(_("Only the attempt's reviewers may do this."))
    return found


def render_staff_page(found, payload: dict, finding_form=None, withdraw_form=None, status: int = 200):
    """The page staff get at /attempts/<id> (quizzes' attempt route asks for it: see
    quizzes.views.register_staff_attempt_view)."""
    view = staff_attempt(found.attempt)
    judges = allowed(current_user, "attempt.finding", found.attempt)
    standing = standing_finding(found.attempt) if judges else None
    return render_template(
        "grading/attempt_review/attempt.html", found=found, attempt=payload, view=view,
        settings=found.attempt.settings, labels=status_labels(), judges=judges, standing=standing,
        finding_form=finding_form or FindingForm(prefix="finding"),
        withdraw_form=withdraw_form or WithdrawForm(prefix="withdraw")), status


def staff_attempt_view(found, payload: dict):
    """quizzes' hook: the staff page for a viewer who reviews the attempt, None for its member."""
    if not allowed(current_user, "attempt.review", found.attempt):
        return None
    return render_staff_page(found, payload)


def _payload(found):
    return attempt_view(found, utcnow())


def _apply(form, action) -> int | None:
    """Run the service for a valid form and commit; the refusal's status (its message beside
    the reason) or None when done. Nothing is kept from a refused request."""
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        form.reason.errors = [*form.reason.errors, error.message]
        return error.status
    db.session.commit()
    return None


@bp.route("/attempts/<int:attempt_id>/findings", methods=["POST"])
@login_required
def record(attempt_id: int):
    found = _load(attempt_id, "attempt.finding")
    form = FindingForm(prefix="finding")
    status = 422
    if form.validate_on_submit():
        status = _apply(form, lambda: record_finding(current_user, found.attempt, form.reason.data, utcnow()))
        if status is None:
            flash(_("The integrity finding was recorded."), "info")
            return redirect(url_for("quizzes.attempt_page", attempt_id=attempt_id) + "#integrity")
    return render_staff_page(found, _payload(found), finding_form=form, status=status)


@bp.route("/attempts/<int:attempt_id>/findings/withdraw", methods=["POST"])
@login_required
def withdraw(attempt_id: int):
    found = _load(attempt_id, "attempt.finding")
    form = WithdrawForm(prefix="withdraw")
    standing = standing_finding(found.attempt)
    if standing is None:
        flash(_("No finding stands on this attempt."), "error")
        return render_staff_page(found, _payload(found), status=404)
    status = 422
    if form.validate_on_submit():
        status = _apply(form, lambda: withdraw_finding(current_user, found.attempt, standing.id,
                                                       form.reason.data, utcnow()))
        if status is None:
            flash(_("The integrity finding was withdrawn."), "info")
            return redirect(url_for("quizzes.attempt_page", attempt_id=attempt_id) + "#integrity")
    return render_staff_page(found, _payload(found), withdraw_form=form, status=status)


# ---- the export --------------------------------------------------------------------------------

def _local(moment) -> str:
    return utc_to_form(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def export_table(view) -> tuple[list, list[list]]:
    """What Questionnaire Star's "export to Excel" of one answer sheet gives: the member in the
    (frozen) first row and a block under it, then one row per question with the response and
    the key in words, the points and when the answer was saved."""
    attempt, member = view.attempt, view.member
    columns = [_("No."), _("Question"), _("Response"), _("Right answer"), _("Points"), _("Maximum"),
               _("Result"), _("Saved at (%(zone)s)", zone=zone_label())]
    score = "" if attempt.score is None else f"{attempt.score:g} / {attempt.max_score:g}"
    header = [_("Name"), member.display_name, _("Student number"), view.student_no or "", _("Quiz"),
              attempt.settings.get("title") or "", _("Score"), score]
    block = [[_("Username"), member.username], [_("Class"), view.school_class.name if view.school_class else ""],
             [_("Attempt"), attempt.number], [_("Percent"), attempt.percent],
             [_("Started at (%(zone)s)", zone=zone_label()), _local(attempt.started_at)],
             [_("Submitted at (%(zone)s)", zone=zone_label()), _local(attempt.submitted_at)]]
    labels = status_labels()
    rows = [line + [None] * (len(columns) - len(line)) for line in block]
    rows += [[None] * len(columns), columns]
    rows += [[q.number, q.text, q.response_words, q.key_words, q.points_awarded, q.max_points,
              labels[q.status], _local(q.saved_at) or None] for q in view.questions]
    return header, rows


@bp.route("/attempts/<int:attempt_id>/export.<any(csv, xlsx):kind>")
@login_required
def export(attempt_id: int, kind: str):
    found = _load(attempt_id, "attempt.review")
    view = staff_attempt(found.attempt, with_findings=False)
    header, rows = export_table(view)
    who = view.student_no or view.member.username
    stem = f"{who}-{view.member.display_name}-{found.quiz_row.slug}-{found.attempt.number}"
    return table_response(kind, stem, header, rows, sheet_title=_("Answer sheet"),
                          widths=[18, 50, 40, 30, 8, 8, 12, 20])


@bp.route("/classes/<int:class_id>/exams/<int:exam_id>/responses.<any(csv, xlsx):kind>")
@login_required
def exam_responses_export(class_id: int, exam_id: int, kind: str):
    """Every finished attempt under the class's exam (resets left out), one column per question."""
    exam, school_class = load_exam(class_id, exam_id, "class.staff")
    table = exam_responses(school_class, exam, lambda moment: _local(moment) or None)
    word = _("responses")  # outside the f-string, where the message extractor finds it
    return table_response(kind, f"{school_class.code}-{exam.id}-{word}", table.header, table.rows,
                          sheet_title=_("Responses"))
