"""/api/v1 quizzes and attempts: the same services the quiz page's JavaScript relies on."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..core.api import ApiError, json_body
from ..core.types import utcnow
from ..extensions import db
from ..quizzes import attempts as attempt_rules
from ..quizzes import services
from ..quizzes.models import EVENT_KINDS
from ..quizzes.presenters import attempt_view, quiz_detail
from . import bp


def _quiz_or_404(course_slug: str, quiz_slug: str) -> services.QuizContext:
    found = services.find_quiz(current_user, course_slug, quiz_slug)
    if found is None:
        raise ApiError(404, "not_found", _l("No quiz '%(quiz)s' in course '%(course)s'.", quiz=quiz_slug, course=course_slug))
    return found


def _attempt_or_404(attempt_id: int, write: bool = False) -> services.AttemptContext:
    found = services.find_attempt(current_user, attempt_id)
    if found is None:
        raise ApiError(404, "not_found", _l("No attempt %(id)d.", id=attempt_id))
    if write and not found.is_owner:
        raise ApiError(403, "forbidden", _l("Only the member taking this attempt may change it."))
    return found


def _exam_id(value, field: str = "exam") -> int | None:
    """The class exam a start names: a positive whole number, or absent/null."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise ApiError(422, "invalid_field", _l("'%(field)s' must be the id of one of your scheduled exams.", field=field))
    return value


def _query_exam_id() -> int | None:
    raw = request.args.get("exam")
    if raw is None or raw == "":
        return None
    return _exam_id(int(raw) if raw.isdigit() and len(raw) < 11 else -1)


def _quiz_error_response(error: attempt_rules.QuizError):
    """The error body, with what a client needs to act on it: the exams to choose from
    (409 choose_exam) or the field at fault (422 invalid_field)."""
    body = {"code": error.code, "message": error.message}
    if isinstance(error, attempt_rules.ChooseExam):
        body["exams"] = [{"id": choice.source_id, "class": choice.owner, "title": choice.title}
                         for choice in error.choices]
    if isinstance(error, attempt_rules.UnknownExam):
        body["fields"] = {error.field: error.message}
    return jsonify({"error": body}), error.status


@bp.get("/courses/<course_slug>/quizzes/<quiz_slug>")
def get_quiz(course_slug: str, quiz_slug: str):
    """`?exam=id` shows that exam's rules (one of the caller's); without it, the schedule the
    quiz page shows by default."""
    found = _quiz_or_404(course_slug, quiz_slug)
    exam = _query_exam_id()
    row = attempt_rules.find_quiz_row(found.course, found.quiz.slug)
    attempts = []
    now = utcnow()
    if row is not None:
        attempt_rules.open_attempt(current_user.id, row, now)  # finalises an expired one
        attempts = attempt_rules.user_attempts(current_user.id, row)
    db.session.commit()
    rules = attempt_rules.rules_for(current_user, found.quiz, row, now, exam)  # a class's schedule
    return jsonify(quiz_detail(found.course, found.quiz, attempts, rules))


@bp.post("/courses/<course_slug>/quizzes/<quiz_slug>/attempts")
def start_attempt(course_slug: str, quiz_slug: str):
    """Optional body `{"exam": id}`: the class exam the attempt is made under."""
    found = _quiz_or_404(course_slug, quiz_slug)
    exam = _exam_id(json_body().get("exam")) if request.get_data(cache=True) else None
    now = utcnow()
    services.ensure_quiz_unlocked(current_user, found.course, found.quiz, exam)  # 403 `locked`
    try:
        attempt, created = attempt_rules.start_attempt(
            current_user, found.course, found.quiz, now, request.remote_addr,
            request.headers.get("User-Agent"), exam=exam)
    except attempt_rules.QuizError as error:
        db.session.commit()  # an expired attempt found on the way stays finalised
        return _quiz_error_response(error)
    db.session.commit()
    body = attempt_view(services.find_attempt(current_user, attempt.id), now)
    return jsonify(body), 201 if created else 200


@bp.get("/attempts/<int:attempt_id>")
def get_attempt(attempt_id: int):
    found = _attempt_or_404(attempt_id)
    now = utcnow()
    attempt_rules.finalise_if_expired(found.attempt, now)
    db.session.commit()
    return jsonify(attempt_view(found, now))


@bp.put("/attempts/<int:attempt_id>/answers/<int:question_id>")
def save_answer(attempt_id: int, question_id: int):
    try:
        target = services.find_answer_target(current_user, attempt_id, question_id)
    except services.NotYours:
        raise ApiError(403, "forbidden", _l("Only the member taking this attempt may change it.")) from None
    if target is None:
        raise ApiError(404, "not_found", _l("Attempt %(attempt)d has no question %(question)d.", attempt=attempt_id, question=question_id))
    data = json_body()
    if "response" not in data:
        raise ApiError(422, "invalid_response", _l("Send {\"response\": ...}."))
    now = utcnow()
    try:
        saved_at = attempt_rules.save_answer(target.attempt, target.question, data["response"], now)
    except attempt_rules.QuizError:
        db.session.commit()  # keeps a finalisation of an expired attempt
        raise
    db.session.commit()
    return jsonify({"saved_at": saved_at.isoformat().replace("+00:00", "Z")})


@bp.post("/attempts/<int:attempt_id>/submit")
def submit_attempt(attempt_id: int):
    found = _attempt_or_404(attempt_id, write=True)
    now = utcnow()
    finished_by = "timer" if request.args.get("by") == "timer" else "member"
    attempt_rules.submit_attempt(found.attempt, now, finished_by, request.remote_addr,
                                 request.headers.get("User-Agent"))
    db.session.commit()
    return jsonify(attempt_view(found, now))


@bp.post("/attempts/<int:attempt_id>/events")
def record_event(attempt_id: int):
    found = _attempt_or_404(attempt_id, write=True)
    data = json_body()
    kind = data.get("kind")
    if kind not in EVENT_KINDS:
        raise ApiError(422, "invalid_field", _l("'kind' must be one of %(kinds)s.", kinds=", ".join(EVENT_KINDS)))
    question_id = data.get("question_id")
    if question_id is not None and (not isinstance(question_id, int) or isinstance(question_id, bool)
                                    or services.attempt_question(found.attempt, question_id) is None):
        raise ApiError(422, "invalid_field", _l("'question_id' is not a question of this attempt."))
    now = utcnow()
    if attempt_rules.finalise_if_expired(found.attempt, now) or found.attempt.state != "in_progress":
        db.session.commit()
        raise ApiError(409, "attempt_closed", _l("This attempt is closed."))
    count = attempt_rules.record_event(found.attempt, kind, question_id, now)
    db.session.commit()
    warn_after = found.attempt.settings.get("focus_warning")
    return jsonify({"focus_losses": count, "warn": bool(warn_after and count >= warn_after)})
