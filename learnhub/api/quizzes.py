"""/api/v1 quizzes and attempts: the same services the quiz page's JavaScript relies on."""
from __future__ import annotations

from typing import Annotated, Literal, Optional, Union

from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from pydantic import BeforeValidator, ConfigDict, Field, WithJsonSchema

from ..core.api import ApiError
from ..core.errors import FieldError
from ..core.permissions import allowed
from ..core.types import utcnow
from ..extensions import db
from ..grading.attempt_review.presenters import api_fields, staff_attempt
from ..quizzes import attempts as attempt_rules, services
from ..quizzes.loaders import load_answer_sheet, load_attempt, load_attempt_to_submit, load_quiz
from ..quizzes.models import ATTEMPT_STATES, EVENT_KINDS
from ..quizzes.presenters import attempt_view, new_attempt_view, quiz_detail
from ..quizzes.questions import QUESTION_TYPES
from ..quizzes.settings import GRADING, KINDS, REVIEW
from . import bp
from .schema import ApiDateTime, Body, Id, JsonValue, Out, Query, declare

# ---- schemas -----------------------------------------------------------------------------------

# An answer, by question type: single an option id; multiple a list of option ids;
# true_false a boolean; short and essay a string; numerical a number or numeric string;
# matching an object left id -> right id. A shape the question does not take is a 422.
RESPONSE_SCHEMA = {"description": "the answer; its shape depends on the question's type (see API.md)",
                   "anyOf": [{"type": "string", "maxLength": 20_000}, {"type": "number"}, {"type": "boolean"},
                             {"type": "array", "items": {"type": "string"}},
                             {"type": "object", "additionalProperties": {"type": "string"}}]}
AnyResponse = Annotated[JsonValue, WithJsonSchema(RESPONSE_SCHEMA)]


def _blank_as_none(value):
    return None if value == "" else value


class QuizQuery(Query):
    exam: Annotated[Optional[Id], BeforeValidator(_blank_as_none)] = Field(
        None, description="a class exam of the caller's (see /api/v1/me/exams)")


class SubmitQuery(Query):
    by: Annotated[Optional[str], WithJsonSchema({"type": "string", "enum": ["member", "timer"]})] = Field(
        None, description="timer: the page's countdown submitted at zero (recorded as finished_by for "
                          "staff); anything else counts as the member")


class StartBody(Body):
    exam: Optional[Id] = Field(None, description="the class exam the attempt is made under "
                                                 "(GET /api/v1/me/exams ids)")


class AnswerBody(Body):
    response: AnyResponse


class EventBody(Body):
    kind: Literal[EVENT_KINDS]
    question_id: Optional[Id] = None


class Schedule(Out):
    source: str
    id: Optional[int]
    label: str
    override: bool


class Quiz(Out):
    """Quiz"""

    slug: str
    title: str
    kind: Literal[KINDS]
    url: str
    time_limit_seconds: Optional[int]
    attempts_allowed: Optional[int]
    attempts_used: int
    opens_at: Optional[ApiDateTime]
    closes_at: Optional[ApiDateTime]
    pass_percent: float
    questions_count: int
    review: Literal[REVIEW]
    grading: Literal[GRADING]
    grade_percent: Optional[float]
    open_attempt: Optional[int]
    schedule: Optional[Schedule] = Field(description="the class exam's schedule these rules follow "
                                                     "(null: the quiz file's own)")


class Option(Out):
    id: str
    text_html: str


class MatchingOptions(Out):
    left: list[Option]
    right: list[Option]


class Question(Out):
    id: int
    type: Literal[QUESTION_TYPES]
    position: int
    text_html: str
    points: float
    # Keys that are absent rather than null: only some types, only when the review allows.
    options: Union[list[Option], MatchingOptions] = Field(
        None, description="single/multiple: [Option]; matching: {left: [Option], right: [Option]}")
    correct: Optional[bool] = Field(None, description="only when the review policy allows")
    points_awarded: Optional[float] = None
    feedback_html: Optional[str] = None
    comment_html: Optional[str] = Field(None, description="the grader's comment, rendered (when the review allows)")
    correct_response: JsonValue = None
    # Staff of the attempt's class, instructors and admins only (never its member):
    response: AnyResponse = Field(None, description="staff only: the member's response (null: none)")
    max_points: float = Field(None, description="staff only")


class AttemptQuiz(Out):
    slug: str
    title: Optional[str]
    url: str


class Attempt(Out):
    """Attempt"""

    id: int
    number: int
    state: Literal[ATTEMPT_STATES]
    started_at: ApiDateTime
    deadline: Optional[ApiDateTime]
    server_now: ApiDateTime
    submitted_at: Optional[ApiDateTime]
    url: str
    quiz: AttemptQuiz
    exam: Optional[int] = Field(description="the class exam it was made under (null: the quiz file's own rules)")
    questions: list[Question]
    answers: dict[str, AnyResponse] = Field(description="question id -> response (see API.md)")
    answers_saved_at: dict[str, ApiDateTime] = Field(description="question id -> when its answer was last saved")
    content_removed: bool = Field(description="the quiz file is gone; the attempt's snapshot still tells all")
    # After submission only:
    score: Optional[float] = None
    max_score: Optional[float] = None
    percent: Optional[float] = None
    passed: Optional[bool] = None
    answers_shown: bool = None
    awaiting_results: bool = Field(None, description="the member's result is not released yet (a class "
                                                     "exam's release): no score, pass or correctness")
    # Staff of the attempt's class, instructors and admins only (never its member):
    username: str = Field(None, description="staff only: the member's username")
    display_name: str = Field(None, description="staff only: the member's name")
    student_no: Optional[str] = Field(None, description="staff only: the member's number on the class roster")
    integrity: Integrity = Field(None, description="staff only")


class Finding(Out):
    reason: str
    recorded_at: ApiDateTime


class Integrity(Out):
    """The integrity record in words (staff only)."""

    start_device: str = Field(description='the start\'s device and browser, e.g. "iPhone · WeChat 8.0"')
    submit_device: str
    start_ip: Optional[str]
    submit_ip: Optional[str]
    focus_losses: int
    pastes: int
    finding: Optional[Finding] = Field(description="the integrity finding staff confirmed (null: none stands)")


class ExamOwner(Out):
    id: int
    name: str


class ExamChoice(Out):
    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)

    id: int
    owner: ExamOwner = Field(alias="class")
    title: str


class StartErrorDetail(Out):
    code: str
    message: str
    exams: list[ExamChoice] = Field(None, description="choose_exam: the caller's open exams to name one of")


class StartError(Out):
    """no_attempts_left, attempt_open or choose_exam"""

    error: StartErrorDetail


class Saved(Out):
    """Saved"""

    saved_at: ApiDateTime


class EventRecorded(Out):
    """Recorded"""

    focus_losses: int
    warn: bool


# A started attempt leads to the calls made on it (stateful clients and fuzzers follow these).
ATTEMPT_LINKS = {
    "GetAttempt": {"operationId": "get_attempt", "parameters": {"id": "$response.body#/id"}},
    "SaveAnswer": {"operationId": "save_answer",
                   "parameters": {"id": "$response.body#/id",
                                  "question_id": "$response.body#/questions/0/id"}},
    "SubmitAttempt": {"operationId": "submit_attempt", "parameters": {"id": "$response.body#/id"}},
    "RecordEvent": {"operationId": "record_event", "parameters": {"id": "$response.body#/id"}},
}
TAGS = ("quizzes",)

# ---- loading -----------------------------------------------------------------------------------

def _quiz_error_response(error: attempt_rules.QuizError):
    """The error body, with what a client needs to act on it: the exams to choose from
    (409 choose_exam) or the field at fault (422 invalid_field)."""
    body = {"code": error.code, "message": error.message}
    if isinstance(error, attempt_rules.ChooseExam):
        body["exams"] = [{"id": choice.source_id, "class": choice.owner, "title": choice.title}
                         for choice in error.choices]
    if isinstance(error, attempt_rules.UnknownExam):
        body["fields"] = {error.field: error.message}
    response = jsonify({"error": body})
    response.status_code = error.status
    return response


# ---- routes ------------------------------------------------------------------------------------

@bp.get("/courses/<course_slug>/quizzes/<quiz_slug>")
@declare("A quiz's rules and the caller's attempts at it (with ?exam=, that class exam's rules: one of "
         "the caller's)", query=QuizQuery, responses={200: Quiz}, errors=(404,), tags=TAGS)
def get_quiz(course_slug: str, quiz_slug: str, query: QuizQuery):
    """`?exam=id` shows that exam's rules (one of the caller's); without it, the schedule the
    quiz page shows by default."""
    found = load_quiz(course_slug, quiz_slug)
    row = attempt_rules.find_quiz_row(found.course, found.quiz.slug)
    attempts = []
    now = utcnow()
    if row is not None:
        attempt_rules.open_attempt(current_user.id, row, now)  # finalises an expired one
        attempts = attempt_rules.user_attempts(current_user.id, row)
    db.session.commit()
    rules = attempt_rules.rules_for(current_user, found.quiz, row, now, query.exam)  # a class's schedule
    return quiz_detail(found.course, found.quiz, attempts, rules)


@bp.post("/courses/<course_slug>/quizzes/<quiz_slug>/attempts")
@declare("Start an attempt (200 with the open one if there is one) under the class exam named by "
         "`exam`, or the only one open; it follows that exam's window, limit and overrides only. 409 "
         "choose_exam (with `exams`) when two or more of the caller's exams of the quiz are open and "
         "none is named; 409 attempt_open when the open attempt is under another exam; 422 "
         "invalid_field when `exam` is not one of the caller's exams of this quiz",
         body=StartBody, body_required=False, responses={201: Attempt, 200: Attempt, 409: StartError},
         errors=(403, 404), links={201: ATTEMPT_LINKS, 200: ATTEMPT_LINKS}, tags=TAGS)
def start_attempt(course_slug: str, quiz_slug: str, body: StartBody):
    found = load_quiz(course_slug, quiz_slug)
    now = utcnow()
    # Read once (two statements: the quiz's row with the member's attempts, their exams of it),
    # for the gates and the start alike.
    standing = attempt_rules.member_standing(current_user.id, found.course, found.quiz)
    schedules = attempt_rules.start_schedules(current_user, standing, now)
    services.ensure_quiz_unlocked(current_user, found.course, found.quiz, body.exam, schedules)  # 403 `locked`
    standing = attempt_rules.finalise_expired_attempt(current_user.id, found.course, found.quiz, now, standing)
    if standing is not None and standing.finalised:
        db.session.commit()  # its own step: a start refused below does not undo it
    try:
        attempt, created = attempt_rules.begin_attempt(
            current_user, found.course, found.quiz, now, request.remote_addr,
            request.headers.get("User-Agent"), exam=body.exam, standing=standing, schedules=schedules)
    except attempt_rules.QuizError as error:
        return _quiz_error_response(error)
    db.session.commit()
    if created:  # shown from what the start inserted: no query
        return new_attempt_view(attempt, now, found.course.slug, found.quiz.slug), 201
    return attempt_view(services.find_attempt(current_user, attempt.id), now), 200


@bp.get("/attempts/<int:attempt_id>")
@declare("An attempt; keys and feedback only when the review policy allows. Staff of the attempt's "
         "class, instructors and admins always get the member's username and name and, per question, "
         "the response, points awarded, maximum and right answer", responses={200: Attempt},
         errors=(404,), tags=TAGS)
def get_attempt(attempt_id: int):
    found = load_attempt(attempt_id)
    now = utcnow()
    attempt_rules.finalise_if_expired(found.attempt, now)
    db.session.commit()
    body = attempt_view(found, now)
    if allowed(current_user, "attempt.review", found.attempt):
        top, per_question = api_fields(staff_attempt(found.attempt, with_findings=False))
        body.update(top)
        for question in body["questions"]:
            question.update(per_question.get(question["id"], {}))
    return body


@bp.put("/attempts/<int:attempt_id>/answers/<int:question_id>")
@declare("Save one answer (the last write per question wins)", body=AnswerBody, responses={200: Saved},
         errors=(403, 404, 409), invalid_code="invalid_response", tags=TAGS)
def save_answer(attempt_id: int, question_id: int, body: AnswerBody):
    sheet = load_answer_sheet(attempt_id, question_id)
    now = utcnow()
    if sheet.time_ran_out(now) and attempt_rules.close_if_overdue(attempt_id, now):
        db.session.commit()  # its own step: the save refused below (409) does not undo it
    saved_at = attempt_rules.save_to_sheet(current_user, sheet, question_id, body.response, now)
    db.session.commit()
    return {"saved_at": saved_at}


@bp.post("/attempts/<int:attempt_id>/submit")
@declare("Submit and grade (idempotent: a repeat returns the same result)", query=SubmitQuery,
         responses={200: Attempt}, errors=(400, 403, 404), tags=TAGS)
def submit_attempt(attempt_id: int, query: SubmitQuery):
    found = load_attempt_to_submit(attempt_id)  # a plain row, locked until the commit
    now = utcnow()
    finished_by = "timer" if query.by == "timer" else "member"
    answers, _graded_now = attempt_rules.submit_locked(found.attempt, found.quiz_row, now, finished_by,
                                                       request.remote_addr, request.headers.get("User-Agent"))
    body = attempt_view(found, now, answers)
    db.session.commit()
    return body


@bp.post("/attempts/<int:attempt_id>/events")
@declare("Record an integrity signal: focus_lost, hidden or paste", body=EventBody,
         responses={200: EventRecorded}, errors=(403, 404, 409), tags=TAGS)
def record_event(attempt_id: int, body: EventBody):
    found = load_attempt(attempt_id, "attempt.answer")
    if body.question_id is not None and services.attempt_question(found.attempt, body.question_id) is None:
        raise FieldError("question_id", _l("'question_id' is not a question of this attempt."))
    now = utcnow()
    if attempt_rules.finalise_if_expired(found.attempt, now):
        db.session.commit()  # its own step: the refusal below does not undo it
    if found.attempt.state != "in_progress":
        raise ApiError(409, "attempt_closed", _l("This attempt is closed."))
    count = attempt_rules.record_event(found.attempt, body.kind, body.question_id, now)
    db.session.commit()
    warn_after = found.attempt.settings.get("focus_warning")
    return {"focus_losses": count, "warn": bool(warn_after and count >= warn_after)}
