"""Scheduled-exam pages: a class's exams, scheduling one, a member's override or reset; and
the panels (the member's upcoming and open exams at home, the class's exams on its page).
Registers the exam schedule and its latest close with the quiz engine (see quizzes/schedule.py)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...auth.forms import ActionForm
from ...core.forms import saved
from ...core.permissions import allowed
from ...core.times import form_to_utc, utc_to_form
from ...core.types import utcnow
from ...extensions import db
from ...quizzes.services import AttemptRow
from ..loaders import load_class
from . import services as rules
from .forms import ExamWindowForm, OverrideForm, ResetForm, ScheduleExamForm
from .loaders import load_exam

bp = Blueprint("class_exams", __name__)

def status_labels() -> dict:
    return {"upcoming": _("Upcoming"), "open": _("Open now"), "submitted": _("Submitted"),
            "missed": _("Missed")}


def _minutes_to_seconds(minutes: int | None) -> int | None:
    return None if minutes is None else minutes * 60


# ---- pages ------------------------------------------------------------------------------------------

def _render_index(school_class, form=None, status=200):
    now = utcnow()
    is_member = allowed(current_user, "class.member", school_class)
    items = (rules.member_exams(current_user, now, school_class) if is_member
             else rules.class_exams(school_class))
    can_manage = allowed(current_user, "class.manage", school_class)
    if form is None and can_manage:
        form = ScheduleExamForm()
        form.quiz.choices = rules.class_quiz_choices(school_class)
    return render_template("classes/exams_index.html", school_class=school_class, items=items,
                           is_member=is_member, can_manage=can_manage, form=form, now=now,
                           can_view_results=allowed(current_user, "class.staff", school_class),
                           status_labels=status_labels()), status


@bp.route("/classes/<int:class_id>/exams")
@login_required
def index(class_id: int):
    return _render_index(load_class(class_id))


@bp.route("/classes/<int:class_id>/exams", methods=["POST"])
@login_required
def create(class_id: int):
    school_class = load_class(class_id, "class.manage")
    form = ScheduleExamForm()
    form.quiz.choices = rules.class_quiz_choices(school_class)
    if form.validate_on_submit():
        course_slug, _sep, quiz_slug = form.quiz.data.partition("/")

        def schedule():
            exam = rules.schedule_exam(
                current_user, school_class, course_slug, quiz_slug, form_to_utc(form.opens_at.data),
                form_to_utc(form.closes_at.data), _minutes_to_seconds(form.time_limit_minutes.data),
                form.requires_courses_complete.data)
            return _set_release(school_class, exam, form)

        if saved(form, schedule):
            flash(_("The exam is scheduled."), "info")
            return redirect(url_for("class_exams.index", class_id=class_id))
    return _render_index(school_class, form)


def _set_release(school_class, exam, form):
    return rules.set_release(current_user, school_class, exam, form.release.data,
                             form_to_utc(form.release_at.data))


def _member_choices(school_class):
    return [(username, f"{name} ({username})") for username, name in rules.member_names(school_class)]


def _render_manage(school_class, exam, window=None, override=None, reset=None, status=200):
    item = next(i for i in rules.class_exams(school_class) if i.exam.id == exam.id)
    if window is None:
        window = ExamWindowForm(prefix="window", data={
            "opens_at": utc_to_form(exam.opens_at), "closes_at": utc_to_form(exam.closes_at),
            "time_limit_minutes": exam.time_limit_seconds // 60 if exam.time_limit_seconds else None,
            "requires_courses_complete": exam.requires_courses_complete, "release": exam.release,
            "release_at": utc_to_form(exam.release_at) if exam.release_at else None})
    choices = _member_choices(school_class)
    if override is None:
        override = OverrideForm(prefix="override")
    if reset is None:
        reset = ResetForm(prefix="reset")
    override.username.choices = reset.username.choices = choices
    return render_template("classes/exams_manage.html", school_class=school_class, exam=exam, item=item,
                           window=window, override=override, reset=reset, cancel=ActionForm(prefix="cancel"),
                           overrides=rules.exam_overrides(exam), to_local=utc_to_form,
                           attempts=[AttemptRow(attempt, item.course, None, username)
                                     for attempt, username in rules.exam_attempts(exam)]), status


@bp.route("/classes/<int:class_id>/exams/<int:exam_id>", methods=["GET", "POST"])
@login_required
def manage(class_id: int, exam_id: int):
    exam, school_class = load_exam(class_id, exam_id, "class.manage")
    window = ExamWindowForm(prefix="window")
    if not window.is_submitted():
        return _render_manage(school_class, exam)
    if window.validate_on_submit():
        def update():
            rules.update_exam(current_user, school_class, exam, form_to_utc(window.opens_at.data),
                              form_to_utc(window.closes_at.data),
                              _minutes_to_seconds(window.time_limit_minutes.data),
                              window.requires_courses_complete.data)
            return _set_release(school_class, exam, window)

        if saved(window, update):
            flash(_("The exam was saved."), "info")
            return redirect(url_for("class_exams.manage", class_id=class_id, exam_id=exam_id))
    return _render_manage(school_class, exam, window=window)


def _for_one_member(class_id: int, exam_id: int, form_class, prefix: str, act, done_message):
    """The exam page's forms for one member (override, reset): the member chosen from the
    class, `act(school_class, exam, member, form)` through saved(), a message, the page again."""
    exam, school_class = load_exam(class_id, exam_id, "class.manage")
    form = form_class(prefix=prefix)
    form.username.choices = _member_choices(school_class)
    if form.validate_on_submit():
        def call():
            member = rules.class_member(school_class, form.username.data)
            return member, act(school_class, exam, member, form)

        done = saved(form, call)
        if done:
            flash(done_message(*done.value), "info")
            return redirect(url_for("class_exams.manage", class_id=class_id, exam_id=exam_id))
    return _render_manage(school_class, exam, **{prefix: form})


@bp.route("/classes/<int:class_id>/exams/<int:exam_id>/overrides", methods=["POST"])
@login_required
def override(class_id: int, exam_id: int):
    def set_override(school_class, exam, member, form):
        rules.set_override(current_user, school_class, exam, member,
                           opens_at=form_to_utc(form.opens_at.data), closes_at=form_to_utc(form.closes_at.data),
                           time_limit_seconds=_minutes_to_seconds(form.time_limit_minutes.data),
                           extra_attempts=form.extra_attempts.data or 0, reason=form.reason.data)

    return _for_one_member(class_id, exam_id, OverrideForm, "override", set_override,
                           lambda member, _none: _("The override for %(name)s was saved.", name=member.username))


@bp.route("/classes/<int:class_id>/exams/<int:exam_id>/resets", methods=["POST"])
@login_required
def reset(class_id: int, exam_id: int):
    def reset_member(school_class, exam, member, form):
        return rules.reset_attempts(current_user, school_class, exam, member, form.reason.data, utcnow())

    return _for_one_member(class_id, exam_id, ResetForm, "reset", reset_member,
                           lambda member, ids: _("%(n)d attempt(s) of %(name)s reset.", n=len(ids),
                                                 name=member.username))


@bp.route("/classes/<int:class_id>/exams/<int:exam_id>/cancel", methods=["POST"])
@login_required
def cancel(class_id: int, exam_id: int):
    exam, school_class = load_exam(class_id, exam_id, "class.manage")
    if not ActionForm(prefix="cancel").validate_on_submit():
        abort(400)
    rules.cancel_exam(current_user, school_class, exam)
    db.session.commit()
    flash(_("The exam was cancelled. Attempts already made are kept."), "info")
    return redirect(url_for("class_exams.index", class_id=class_id))


# ---- panels ------------------------------------------------------------------------------------------

def home_page_panel(user, **_context) -> str:
    """The member's upcoming and open exams, each linking to the quiz's page."""
    if not getattr(user, "is_authenticated", False):
        return ""
    items = [i for i in rules.member_exams(user, utcnow()) if i.my_status in ("upcoming", "open")]
    if not items:
        return ""
    return render_template("classes/exams_home_panel.html", items=items, status_labels=status_labels())


def class_page_panel(school_class, role=None, **_context) -> str:
    now = utcnow()
    is_member = allowed(current_user, "class.member", school_class)
    items = rules.member_exams(current_user, now, school_class) if is_member else rules.class_exams(school_class)
    if not items and not allowed(current_user, "class.manage", school_class):
        return ""
    return render_template("classes/exams_class_panel.html", school_class=school_class, items=items,
                           is_member=is_member, now=now, status_labels=status_labels(),
                           can_manage=allowed(current_user, "class.manage", school_class))
