"""Quiz pages: intro, the attempt page, results, my attempts, and staff views."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required

from ..auth.forms import ActionForm
from ..core.forms import saved
from ..core.pagination import Page, next_page_url, page_request
from ..core.permissions import permission_required
from ..core.types import utcnow
from ..extensions import db
from . import attempts as rules, services
from .forms import AccommodationForm, form_responses
from .grading import quiz_grade
from .loaders import load_attempt, load_quiz
from .presenters import attempt_view, finished_percents, questions_count
from .schedule import named_schedule, pick_schedule, quiz_rules, schedules_for

bp = Blueprint("quizzes", __name__)
PAGE_SIZE = 50  # attempts a page (keyset, ?after=)
STAFF_VIEW_KEY = "learnhub_staff_attempt_view"


def register_staff_attempt_view(app, view) -> None:
    """A higher feature (grading) shows staff their own page of an attempt: `view(found, payload)`
    returns the response for a viewer who is not the attempt's member, or None to leave the
    result page as it is. The member's own page never asks it."""
    app.extensions[STAFF_VIEW_KEY] = view


# How the result page names who finished an attempt and each integrity signal. Lazy, built
# once: a context processor runs for every template rendered (a page renders several).
FINISHED_BY_LABELS = {"member": _l("the member"), "timer": _l("the page's timer"),
                      "server": _l("the server (time ran out)")}
EVENT_LABELS = {"focus_lost": _l("left the page"), "hidden": _l("page hidden"), "paste": _l("pasted text")}


@bp.app_context_processor
def _labels():
    return {"finished_by_labels": FINISHED_BY_LABELS, "event_labels": EVENT_LABELS}


def _exam_arg(raw) -> int | None:
    """The class exam named in a link or the start form; None when absent. A wrong or
    malformed id is refused by the start as not one of the member's exams."""
    raw = (raw or "").strip()
    if not raw:
        return None
    return int(raw) if raw.isdigit() and len(raw) < 11 else -1  # names no exam of anyone's


@bp.route("/courses/<course_slug>/quizzes/<quiz_slug>")
@login_required
def intro(course_slug: str, quiz_slug: str):
    """`?exam=id` (the class exam pages link so) shows that exam's rules and starts under it;
    with two of the member's exams open and none named, the page lists them to choose from."""
    found = load_quiz(course_slug, quiz_slug)
    row = rules.find_quiz_row(found.course, found.quiz.slug)
    attempts = []
    now = utcnow()
    if row is not None:
        rules.open_attempt(current_user.id, row, now)
        attempts = rules.user_attempts(current_user.id, row)
        db.session.commit()
    settings = found.quiz.settings
    schedules = schedules_for(current_user, row, now)
    chosen = named_schedule(schedules, _exam_arg(request.args.get("exam")))
    choices = [s for s in schedules if s.is_open(now)] if chosen is None else []
    if len(choices) < 2:
        choices = []
    # What this member gets: a class's scheduled window, limit and attempts, if any.
    mine = quiz_rules(found.quiz, chosen or pick_schedule(schedules, now))
    open_attempt = next((a for a in attempts if a.state == "in_progress"), None)
    used = len(rules.counted_attempts(attempts, mine))
    left = None if mine.attempts_allowed is None else max(0, mine.attempts_allowed - used)
    my_limit = int(mine.time_limit * current_user.time_factor) if mine.time_limit else None
    return render_template(
        "quizzes/intro.html", course=found.course, quiz=found.quiz, settings=settings, mine=mine,
        attempts=attempts, attempt_rows=[services.AttemptRow(a, found.course, row) for a in attempts],
        open_attempt=open_attempt, attempts_left=left, my_limit=my_limit, choices=choices,
        questions_count=questions_count(found.quiz), form=ActionForm(),
        lock=services.quiz_lock(current_user, found.course, found.quiz, chosen.source_id if chosen else None,
                                schedules),
        grade=quiz_grade(finished_percents(attempts), settings.grading), now=now)


@bp.route("/courses/<course_slug>/quizzes/<quiz_slug>/start", methods=["POST"])
@login_required
def start(course_slug: str, quiz_slug: str):
    found = load_quiz(course_slug, quiz_slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    exam = _exam_arg(request.form.get("exam"))
    back = url_for("quizzes.intro", course_slug=course_slug, quiz_slug=quiz_slug, exam=exam)
    now = utcnow()
    standing = rules.member_standing(current_user.id, found.course, found.quiz)  # read once (see the API's start)
    schedules = rules.start_schedules(current_user, standing, now)
    try:
        services.ensure_quiz_unlocked(current_user, found.course, found.quiz, exam, schedules)
    except services.QuizLocked as error:
        flash(error.message, "error")
        return redirect(back)
    standing = rules.finalise_expired_attempt(current_user.id, found.course, found.quiz, now, standing)
    if standing is not None and standing.finalised:
        db.session.commit()  # its own step: a start refused below does not undo it
    try:
        attempt, _created = rules.begin_attempt(current_user, found.course, found.quiz, now,
                                                request.remote_addr, request.headers.get("User-Agent"),
                                                exam=exam, standing=standing, schedules=schedules)
    except rules.QuizError as error:
        flash(error.message, "error")
        return redirect(back)
    db.session.commit()
    return redirect(url_for("quizzes.attempt_page", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>")
@login_required
def attempt_page(attempt_id: int):
    found = load_attempt(attempt_id)
    now = utcnow()
    rules.finalise_if_expired(found.attempt, now)
    db.session.commit()
    payload = attempt_view(found, now)
    if found.attempt.state == "in_progress" and found.is_owner:
        return render_template("quizzes/attempt.html", found=found, attempt=payload,
                               settings=found.attempt.settings, form=ActionForm())
    staff_view = None if found.is_owner else current_app.extensions.get(STAFF_VIEW_KEY)
    shown = staff_view(found, payload) if staff_view is not None else None
    if shown is not None:
        return shown
    evidence = None
    if services.can_review(current_user):
        evidence = services.attempt_evidence(found.attempt)
    return render_template("quizzes/result.html", found=found, attempt=payload,
                           settings=found.attempt.settings, evidence=evidence,
                           shows_answers=payload.get("answers_shown", False))


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@login_required
def submit(attempt_id: int):
    """The form path: save what the form holds (if still open), then submit."""
    found = load_attempt(attempt_id, "attempt.answer")
    if not ActionForm().validate_on_submit():
        abort(400)
    now = utcnow()
    attempt = found.attempt
    try:
        for question_id, response in form_responses(attempt, request.form).items():
            rules.save_answer(attempt, services.attempt_question(attempt, question_id), response, now)
    except rules.BadResponse as error:
        db.session.rollback()
        flash(_("An answer could not be read: %(reason)s", reason=error.message), "error")
        return redirect(url_for("quizzes.attempt_page", attempt_id=attempt_id))
    except rules.AttemptClosed:
        pass  # time ran out: what was saved before stands
    finished_by = "timer" if request.form.get("by") == "timer" else "member"
    rules.submit_attempt(attempt, now, finished_by, request.remote_addr, request.headers.get("User-Agent"))
    db.session.commit()
    return redirect(url_for("quizzes.attempt_page", attempt_id=attempt_id))


def _close_expired(rows: list[services.AttemptRow]) -> None:
    """A list that shows attempts touches them: expired ones are closed first."""
    now = utcnow()
    if any([rules.finalise_if_expired(row.attempt, now) for row in rows]):
        db.session.commit()


@bp.route("/my/attempts")
@login_required
def my_attempts():
    page = services.my_attempts_page(current_user, **page_request("after", PAGE_SIZE))
    page.next_url = next_page_url(page.next)
    _close_expired(page.items)
    return render_template("quizzes/my_attempts.html", rows=page.items, page=page)


@bp.route("/courses/<course_slug>/quizzes/<quiz_slug>/attempts")
@permission_required("quiz.review_attempts")
def quiz_attempts(course_slug: str, quiz_slug: str):
    found = load_quiz(course_slug, quiz_slug)
    paging = page_request("after", PAGE_SIZE)
    row = rules.find_quiz_row(found.course, found.quiz.slug)
    page = services.quiz_attempts_page(row, **paging) if row else Page(items=[], next=None)
    page.next_url = next_page_url(page.next)
    _close_expired(page.items)
    return render_template("quizzes/quiz_attempts.html", course=found.course, quiz=found.quiz, rows=page.items,
                           page=page, total=services.count_attempts(row) if row else 0)


@bp.route("/staff/accommodations", methods=["GET", "POST"])
@permission_required("quiz.set_accommodations")
def accommodations():
    """Extra time on timed quizzes per member (WCAG 2.2.1): time limits × factor."""
    form = AccommodationForm()
    if form.validate_on_submit():
        done = saved(form, lambda: services.set_time_factor(form.username.data, form.factor.data),
                     form.username.errors)
        if done:
            flash(_("%(name)s now has %(factor)s× the time on timed quizzes.",
                    name=done.value.username, factor=done.value.time_factor), "info")
            return redirect(url_for("quizzes.accommodations"))
    return render_template("quizzes/accommodations.html", form=form,
                           members=services.members_with_extra_time())
