"""Assignment pages: the class's list (and the head teacher's new-assignment form), the member's
writing page (autosaved draft: static/js/assignment.js; the form works without JS), the head
teacher's edit/delete/release, the staff's submissions list, one submission with its grade
form (the grading queue's grade form posts to `grade` too), and the class page's panel."""
from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...auth.forms import ActionForm
from ...auth.models import User
from ...auth.views import safe_next
from ...classes.loaders import load_class
from ...core.errors import DomainError, NotFound
from ...core.forms import saved
from ...core.markdown import render_member_markdown, render_staff_markdown
from ...core.permissions import allowed
from ...core.times import form_to_utc, utc_to_form
from ...core.types import iso, utcnow
from ...extensions import db
from . import services as rules
from .forms import AssignmentForm, GradeForm, SubmissionForm
from .loaders import load_assignment, load_submission
from .submissions import member_rows, member_submission, save_submission

bp = Blueprint("assignments", __name__)


def kind_labels() -> dict:
    return {"reflection": _("Reflection (心得体会)"), "report": _("Ideological report (思想汇报)"),
            "other": _("Other")}


def state_labels() -> dict:
    return {"not_started": _("Not started"), "draft": _("Draft"), "submitted": _("Submitted"),
            "graded": _("Graded")}


def _labels() -> dict:
    return {"kind_labels": kind_labels(), "state_labels": state_labels()}


def _may_manage(school_class) -> bool:
    return allowed(current_user, "class.manage", school_class) and not school_class.read_only


# ---- the class's list and a new assignment -----------------------------------------------------

def _render_index(school_class, form=None, status=200):
    is_member = allowed(current_user, "class.member", school_class)
    rows = (member_rows(current_user, school_class) if is_member
            else [(a, None) for a in rules.class_assignments(school_class.id)])
    may_manage = _may_manage(school_class)
    if form is None and may_manage:
        form = AssignmentForm()
    return render_template("grading/assignments/index.html", school_class=school_class, rows=rows,
                           is_member=is_member, may_manage=may_manage, form=form, now=utcnow(),
                           is_staff=allowed(current_user, "class.staff", school_class), **_labels()), status


@bp.route("/classes/<int:class_id>/assignments")
@login_required
def index(class_id: int):
    return _render_index(load_class(class_id))


def _assignment_call(form, act):
    return lambda: act(form.title.data, form.instructions.data, form.kind.data, form_to_utc(form.due_at.data),
                       float(form.max_points.data), form.min_length.data or 0, form.hold_results.data)


@bp.route("/classes/<int:class_id>/assignments", methods=["POST"])
@login_required
def create(class_id: int):
    school_class = load_class(class_id, "class.manage")
    form = AssignmentForm()
    if form.validate_on_submit():
        done = saved(form, _assignment_call(form, lambda *fields: rules.create_assignment(
            current_user, school_class, *fields)))
        if done:
            flash(_("The assignment was set."), "info")
            return redirect(url_for("assignments.show", assignment_id=done.value.id))
    return _render_index(school_class, form, 422)


# ---- one assignment ----------------------------------------------------------------------------

def _render_show(assignment, school_class, form=None, status=200):
    is_member = allowed(current_user, "class.member", school_class)
    submission = member_submission(current_user, assignment) if is_member else None
    if form is None and is_member:
        form = SubmissionForm(data={"body": submission.body if submission else ""})
    visible = (submission is not None and submission.state == "graded" and rules.results_visible(assignment))
    return render_template(
        "grading/assignments/show.html", assignment=assignment, school_class=school_class, form=form,
        submission=submission, is_member=is_member, grade_visible=visible,
        comment_html=rules.comment_html(submission) if visible else None,
        body_html=render_member_markdown(submission.body) if submission and submission.state == "graded" else "",
        instructions_html=render_staff_markdown(assignment.instructions or ""),
        is_staff=allowed(current_user, "class.staff", school_class), may_manage=_may_manage(school_class),
        length=rules.text_length(submission.body if submission else ""), now=utcnow(), iso=iso,
        action_form=ActionForm(), **_labels()), status


@bp.route("/assignments/<int:assignment_id>")
@login_required
def show(assignment_id: int):
    assignment, school_class = load_assignment(assignment_id)
    return _render_show(assignment, school_class)


@bp.route("/assignments/<int:assignment_id>", methods=["POST"])
@login_required
def write(assignment_id: int):
    """The writing form without JavaScript: Save draft or Submit."""
    assignment, school_class = load_assignment(assignment_id, "class.member")
    form = SubmissionForm()
    if form.validate_on_submit():
        submit = bool(form.submit.data)
        if saved(form, lambda: save_submission(current_user, school_class, assignment, form.body.data or "", submit),
                 form.body.errors):
            flash(_("Your text was submitted.") if submit else _("Your draft was saved."), "info")
            return redirect(url_for("assignments.show", assignment_id=assignment.id))
    return _render_show(assignment, school_class, form, 422)


def _decimal(number: float | None) -> Decimal | None:
    """A number as the form shows it: 18, not 18.0."""
    return None if number is None else Decimal(f"{number:.10g}")


def _assignment_form_data(assignment) -> dict:
    return {"title": assignment.title, "kind": assignment.kind, "instructions": assignment.instructions,
            "due_at": utc_to_form(assignment.due_at), "max_points": _decimal(assignment.max_points),
            "min_length": assignment.min_length, "hold_results": assignment.hold_results}


@bp.route("/assignments/<int:assignment_id>/edit", methods=["GET", "POST"])
@login_required
def edit(assignment_id: int):
    assignment, school_class = load_assignment(assignment_id, "class.manage")
    form = AssignmentForm() if request.method == "POST" else AssignmentForm(data=_assignment_form_data(assignment))
    if form.validate_on_submit():
        if saved(form, _assignment_call(form, lambda *fields: rules.update_assignment(
                current_user, school_class, assignment, *fields))):
            flash(_("The assignment was saved."), "info")
            return redirect(url_for("assignments.show", assignment_id=assignment.id))
    status = 422 if form.is_submitted() else 200
    return render_template("grading/assignments/edit.html", form=form, assignment=assignment,
                           school_class=school_class, delete_form=ActionForm(prefix="delete")), status


@bp.route("/assignments/<int:assignment_id>/delete", methods=["POST"])
@login_required
def delete(assignment_id: int):
    assignment, school_class = load_assignment(assignment_id, "class.manage")
    if not ActionForm(prefix="delete").validate_on_submit():
        abort(400)
    rules.delete_assignment(current_user, school_class, assignment)  # 409 once submitted to
    db.session.commit()
    flash(_("The assignment was deleted."), "info")
    return redirect(url_for("assignments.index", class_id=school_class.id))


@bp.route("/assignments/<int:assignment_id>/release", methods=["POST"])
@login_required
def release(assignment_id: int):
    assignment, school_class = load_assignment(assignment_id, "class.manage")
    if not ActionForm().validate_on_submit():
        abort(400)
    count = rules.release_results(current_user, school_class, assignment)
    db.session.commit()
    flash(_("Grades released: %(n)d member(s) notified.", n=count), "info")
    return redirect(url_for("assignments.submissions", assignment_id=assignment.id))


# ---- staff: submissions and grading ------------------------------------------------------------

@bp.route("/assignments/<int:assignment_id>/submissions")
@login_required
def submissions(assignment_id: int):
    assignment, school_class = load_assignment(assignment_id, "class.staff")
    return render_template("grading/assignments/submissions.html", assignment=assignment,
                           school_class=school_class, rows=rules.submission_rows(assignment),
                           may_manage=_may_manage(school_class), release_form=ActionForm(),
                           visible=rules.results_visible(assignment), **_labels())


def _render_submission(submission, assignment, school_class, form=None, status=200):
    if form is None:
        form = GradeForm(data={"points": _decimal(submission.points), "comment": submission.comment,
                               "version": submission.version})
    return render_template("grading/assignments/submission.html", submission=submission, assignment=assignment,
                           school_class=school_class, form=form, user=db.session.get(User, submission.user_id),
                           body_html=render_member_markdown(submission.body or ""),
                           length=rules.text_length(submission.body), next_url=safe_next(request.values.get("next")),
                           **_labels()), status


@bp.route("/submissions/<int:submission_id>")
@login_required
def submission(submission_id: int):
    submission, assignment, school_class = load_submission(submission_id)
    if submission.state == "draft":  # a draft is the member's own until submitted
        raise NotFound(_("No submission %(id)s.", id=submission_id))
    return _render_submission(submission, assignment, school_class)


@bp.route("/submissions/<int:submission_id>/grade", methods=["POST"])
@login_required
def grade(submission_id: int):
    """Grade one submission (this page's form and the grading queue's): points, comment,
    version; `next` (a path of this site) is where to go after. A refusal (stale version,
    points out of range) shows the submission again with the message."""
    submission, assignment, school_class = load_submission(submission_id)
    form = GradeForm()
    status = 422
    if form.validate_on_submit():
        try:
            version = int(form.version.data)
        except (TypeError, ValueError):
            version = -1
        try:
            rules.grade_submission(current_user, submission.id, float(form.points.data), form.comment.data, version)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            status = error.status
            form.version.data = submission.version
        else:
            db.session.commit()
            flash(_("The grade was saved."), "info")
            return redirect(safe_next(request.form.get("next"))
                            or url_for("assignments.submissions", assignment_id=assignment.id))
    return _render_submission(submission, assignment, school_class, form, status)


# ---- the class page's panel ---------------------------------------------------------------------

def class_page_panel(school_class, role=None, **_context) -> str:
    """The class's assignments still open: for a member, those not yet submitted (with their
    state) and those graded and visible; for staff, every assignment with its link."""
    is_member = allowed(current_user, "class.member", school_class)
    if is_member:
        rows = [(a, s) for a, s in member_rows(current_user, school_class)
                if s is None or s.state == "draft"]
    elif allowed(current_user, "class.staff", school_class):
        rows = [(a, None) for a in rules.class_assignments(school_class.id)]
    else:
        return ""
    if not rows and not _may_manage(school_class):
        return ""
    return render_template("grading/assignments/panel.html", school_class=school_class, rows=rows,
                           is_member=is_member, may_manage=_may_manage(school_class), now=utcnow(), **_labels())
