"""What staff see of an attempt: the member, each response and key in words, points, save
times, the integrity record in words. Pages, the export and the API read the same rows."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from ...auth.models import User
from ...classes.exams.services import exam_for_key
from ...classes.models import Membership, SchoolClass
from ...core.markdown import render_member_markdown
from ...extensions import db
from ...quizzes.grading import question_of
from ...quizzes.models import Answer, Attempt
from ...quizzes.services import attempt_answers, attempt_evidence
from ...quizzes.types import question_type, render_text
from .services import attempt_findings, describe_user_agent, standing_finding

STATUSES = ("right", "partly", "wrong", "ungraded", "unanswered")


def status_labels() -> dict[str, str]:
    return {"right": _("Right"), "partly": _("Partly right"), "wrong": _("Wrong"),
            "ungraded": _("Waiting for grading"), "unanswered": _("Not answered yet")}


@dataclass
class ReviewedQuestion:
    number: int
    id: int
    type: str
    text_html: str
    text: str                       # plain, for exports
    response: object                # as stored (ids): the API's "response"
    response_words: str             # option texts, pairs, the text as written
    response_html: str | None       # an essay, rendered with the member-text renderer
    key: object                     # as kind.correct_response gives it (ids): the API's
    key_words: str
    points_awarded: float | None
    max_points: float
    correct: bool | None
    status: str
    saved_at: datetime | None
    comment_html: str | None


@dataclass
class StaffAttempt:
    attempt: Attempt
    member: User
    student_no: str | None
    school_class: SchoolClass | None
    exam_id: int | None
    questions: list[ReviewedQuestion]
    start_device: str
    submit_device: str
    focus_losses: int
    pastes: int
    events: list
    findings: list = field(default_factory=list)

    @property
    def results_url(self) -> str | None:
        if self.school_class is None or self.exam_id is None:
            return None
        return f"/classes/{self.school_class.id}/exams/{self.exam_id}/results"


def plain(html: str) -> str:
    return Markup(html).striptags()


def _option_text(question, options: list, option_id) -> str:
    index = next((o["index"] for o in options if o["id"] == option_id), None)
    return "" if index is None else plain(render_text(question.choices[index].text, question.text_format))


def _matching_words(question, layout: dict, mapping) -> str:
    if not isinstance(mapping, dict):
        return ""
    fmt = question.text_format
    rights = {o["id"]: plain(render_text(question.pairs[o["index"]].right, fmt)) for o in layout["right"]}
    pairs = []
    for left in layout["left"]:
        chosen = mapping.get(left["id"])
        if chosen is not None:
            pairs.append(f"{plain(render_text(question.pairs[left['index']].left, fmt))} → {rights.get(chosen, '?')}")
    return "; ".join(pairs)


def in_words(question, layout: dict, value) -> str:
    """A response or a key (both stored with opaque ids) as a person reads it."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    kind = question.type
    if kind == "single":
        return _option_text(question, layout["options"], value)
    if kind == "multiple":
        return "; ".join(_option_text(question, layout["options"], v) for v in value)
    if kind == "true_false":
        return _("True") if value else _("False")
    if kind == "matching":
        return _matching_words(question, layout, value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _status(answer: Answer | None, response, state: str) -> str:
    if answer is None or (state == "in_progress" and response in (None, "", [], {})):
        return "unanswered"
    if answer.fraction is None:
        return "ungraded" if state != "in_progress" else "unanswered"
    if answer.fraction >= 0.999:
        return "right"
    return "partly" if answer.fraction > 0 else "wrong"


def reviewed_questions(attempt: Attempt, answers: list[Answer]) -> list[ReviewedQuestion]:
    by_question = {a.attempt_question_id: a for a in answers}
    rows, number = [], 0
    for attempt_question in attempt.questions:
        question = question_of(attempt_question)
        if question.type == "description":
            continue
        number += 1
        kind, layout = question_type(question), attempt_question.layout
        answer = by_question.get(attempt_question.id)
        response = answer.response if answer else None
        answered = response not in (None, "", [], {})
        key = kind.correct_response(question, layout)
        text_html = render_text(question.text, question.text_format)
        essay = question.type == "essay" and isinstance(response, str) and answered
        rows.append(ReviewedQuestion(
            number=number, id=attempt_question.id, type=question.type, text_html=text_html,
            text=plain(text_html), response=response,
            response_words=in_words(question, layout, response) if answered else "",
            response_html=render_member_markdown(response) if essay else None,
            key=key, key_words=in_words(question, layout, key),
            points_awarded=answer.points_awarded if answer else None, max_points=attempt_question.points,
            correct=None if answer is None or answer.fraction is None else answer.fraction >= 0.999,
            status=_status(answer, response, attempt.state),
            saved_at=answer.saved_at if answer is not None and answered else None,
            comment_html=render_member_markdown(answer.grader_comment) if answer and answer.grader_comment
            else None))
    return rows


def _student_no(user_id: int, school_class: SchoolClass | None) -> str | None:
    """The number on the roster of the attempt's exam class; outside a class exam, the member's
    number in any class that has one (the newest enrolment)."""
    query = select(Membership.student_no).where(Membership.user_id == user_id, Membership.student_no.is_not(None))
    if school_class is not None:
        query = query.where(Membership.class_id == school_class.id)
    return db.session.scalar(query.order_by(Membership.enrolled_at.desc()).limit(1))


def staff_attempt(attempt: Attempt, with_findings: bool = True) -> StaffAttempt:
    exam = exam_for_key(attempt.schedule_key)
    school_class = db.session.get(SchoolClass, exam.class_id) if exam is not None else None
    member = db.session.get(User, attempt.user_id)
    evidence = attempt_evidence(attempt)
    return StaffAttempt(
        attempt=attempt, member=member, student_no=_student_no(member.id, school_class),
        school_class=school_class, exam_id=exam.id if exam is not None else None,
        questions=reviewed_questions(attempt, attempt_answers(attempt)),
        start_device=describe_user_agent(attempt.start_user_agent),
        submit_device=describe_user_agent(attempt.submit_user_agent),
        focus_losses=evidence.focus_losses, pastes=evidence.pastes, events=evidence.events,
        findings=attempt_findings(attempt) if with_findings else [])


def api_fields(view: StaffAttempt) -> tuple[dict, dict[int, dict]]:
    """The staff fields of GET /api/v1/attempts/{id}: the attempt's and each question's."""
    attempt = view.attempt
    finding = standing_finding(attempt)
    top = {"username": view.member.username, "display_name": view.member.display_name,
           "student_no": view.student_no,
           "integrity": {"start_device": view.start_device, "submit_device": view.submit_device,
                         "start_ip": attempt.start_ip, "submit_ip": attempt.submit_ip,
                         "focus_losses": view.focus_losses, "pastes": view.pastes,
                         "finding": None if finding is None else {"reason": finding.reason,
                                                                  "recorded_at": finding.recorded_at}}}
    per_question = {q.id: {"response": q.response, "points_awarded": q.points_awarded,
                           "max_points": q.max_points, "correct_response": q.key, "correct": q.correct}
                    for q in view.questions}
    return top, per_question
