"""What the API and the pages show of quizzes and attempts. Keys appear only when allowed."""
from __future__ import annotations

from datetime import datetime

from flask import url_for

from ..core.markdown import render_member_markdown
from ..core.types import iso
from ..courses.index import CourseEntry
from .grading import question_of, quiz_grade, review_shows_answers
from .loader import QuizFile
from .models import Answer, Attempt
from .schedule import QuizRules, latest_close_for, quiz_rules
from .services import attempt_answers
from .types import question_type, render_text
from .visibility import result_visible


def quiz_url(course_slug: str, quiz_slug: str) -> str:
    return url_for("quizzes.intro", course_slug=course_slug, quiz_slug=quiz_slug)


def quiz_summary(course: CourseEntry, quiz: QuizFile) -> dict:
    return {"slug": quiz.slug, "title": quiz.settings.title, "kind": quiz.settings.kind,
            "url": quiz_url(course.slug, quiz.slug)}


def questions_count(quiz: QuizFile) -> int:
    draw = quiz.settings.draw
    if isinstance(draw, int):
        return draw
    if isinstance(draw, dict):
        undrawn = [q for q in quiz.gradable if q.category not in draw]
        return sum(draw.values()) + len(undrawn)
    return len(quiz.gradable)


def finished_percents(attempts: list[Attempt]) -> list[float]:
    """Percents of the member's finished attempts that count (an attempt staff reset does not)
    and whose results they may see (visibility.result_visible: a class exam's release)."""
    return [a.percent for a in attempts
            if a.state != "in_progress" and a.percent is not None and a.reset_at is None
            and result_visible(a)]


def quiz_detail(course: CourseEntry, quiz: QuizFile, attempts: list[Attempt],
                rules: QuizRules | None = None) -> dict:
    """The quiz as this member gets it: `rules` carry a class's schedule (their override
    applied); without one, the file's settings."""
    settings = quiz.settings
    rules = rules or quiz_rules(quiz, None)
    open_attempt = next((a for a in attempts if a.state == "in_progress"), None)
    schedule = rules.schedule
    return {
        **quiz_summary(course, quiz),
        "time_limit_seconds": rules.time_limit, "attempts_allowed": rules.attempts_allowed,
        # Only the attempts made under these rules' schedule count toward its allowance.
        "attempts_used": sum(1 for a in attempts if a.reset_at is None and a.schedule_key == rules.key),
        "opens_at": iso(rules.opens_at),
        "closes_at": iso(rules.closes_at), "pass_percent": settings.pass_percent,
        "questions_count": questions_count(quiz), "review": settings.review,
        "grading": settings.grading,
        "grade_percent": quiz_grade(finished_percents(attempts), settings.grading),
        "open_attempt": open_attempt.id if open_attempt else None,
        "schedule": None if schedule is None else {
            "source": schedule.source, "id": schedule.source_id, "label": schedule.label,
            "override": schedule.override_id is not None},
    }


def public_question(attempt_question) -> dict:
    """A question as a member sees it during an attempt: no keys, no feedback."""
    question = question_of(attempt_question)
    body = {"id": attempt_question.id, "type": question.type, "position": attempt_question.position,
            "text_html": render_text(question.text, question.text_format),
            "points": attempt_question.points}
    body.update(question_type(question).public(question, attempt_question.layout))
    return body


def _review(attempt_question, answer: Answer | None) -> dict:
    question = question_of(attempt_question)
    kind = question_type(question)
    response = answer.response if answer else None
    feedback = [kind.answer_feedback(question, attempt_question.layout, response),
                question.general_feedback]
    texts = [render_text(text, question.text_format) for text in feedback if text]
    fraction = answer.fraction if answer else None
    return {"correct": None if fraction is None else fraction >= 0.999,
            "points_awarded": answer.points_awarded if answer else None,
            "feedback_html": "".join(texts) or None,
            # the grader's comment (member-text Markdown), with the points it explains
            "comment_html": render_member_markdown(answer.grader_comment) if answer and answer.grader_comment else None,
            "correct_response": kind.correct_response(question, attempt_question.layout)}


def _exam_of(attempt: Attempt) -> int | None:
    """The exam (the schedule's id a start names) the attempt was made under, as recorded."""
    recorded = attempt.settings.get("schedule") if attempt.schedule_key else None
    return recorded.get("id") if isinstance(recorded, dict) else None


def attempt_payload(attempt: Attempt, answers: list[Answer], now: datetime, course_slug: str,
                    quiz_slug: str, current_closes_at: datetime | None = None, held: bool = False) -> dict:
    """`held`: the member's result is not released yet (visibility.result_visible): no score,
    pass, correctness or feedback, `awaiting_results` instead."""
    by_question = {a.attempt_question_id: a for a in answers}
    body = {
        "id": attempt.id, "state": attempt.state, "number": attempt.number,
        "started_at": iso(attempt.started_at), "deadline": iso(attempt.deadline),
        "server_now": iso(now), "submitted_at": iso(attempt.submitted_at),
        "url": url_for("quizzes.attempt_page", attempt_id=attempt.id),
        "quiz": {"slug": quiz_slug, "title": attempt.settings.get("title"),
                 "url": quiz_url(course_slug, quiz_slug)},
        "exam": _exam_of(attempt),
        "answers": {str(a.attempt_question_id): a.response for a in answers if a.response is not None},
        "answers_saved_at": {str(a.attempt_question_id): iso(a.saved_at) for a in answers},
    }
    show_answers = not held and review_shows_answers(attempt, now, current_closes_at)
    body["questions"] = []
    for attempt_question in attempt.questions:
        item = public_question(attempt_question)
        if show_answers:
            item.update(_review(attempt_question, by_question.get(attempt_question.id)))
        body["questions"].append(item)
    if attempt.state != "in_progress" and held:
        body.update({"answers_shown": False, "awaiting_results": True})
    elif attempt.state != "in_progress":
        body.update({"score": attempt.score, "max_score": attempt.max_score,
                     "percent": attempt.percent, "passed": attempt.passed,
                     "answers_shown": show_answers, "awaiting_results": False})
    return body


def current_closes_at(found) -> datetime | None:
    """The quiz's close as it is now, for `review_shows_answers`: the file's close and, for an
    attempt whose answers wait for the close, the latest close now of the schedule it was made
    under (its exam extended, a member's later window; another class's exam never moves it),
    or, for an attempt under the file's rules, of every class's exam of the quiz.
    Only asked for a finished attempt with `answers_after_close`: no query otherwise."""
    closes_at = found.quiz.settings.closes_at if found.quiz is not None else None
    attempt = found.attempt
    if attempt.state == "in_progress" or attempt.settings.get("review") != "answers_after_close":
        return closes_at
    scheduled = latest_close_for(attempt.quiz_id, attempt.schedule_key)
    return max(filter(None, (closes_at, scheduled)), default=None)


def new_attempt_view(attempt, now: datetime, course_slug: str, quiz_slug: str) -> dict:
    """attempt_view of an attempt just started (paper.NewAttempt): open, nothing answered, its
    member's, the quiz file there; from what the start inserted, with no query."""
    body = attempt_payload(attempt, [], now, course_slug, quiz_slug)
    body["content_removed"] = False
    return body


def attempt_view(found, now: datetime, answers: list | None = None) -> dict:
    """The payload for an attempt found with services.find_attempt (API and pages alike), or
    find_attempt_to_submit (a plain row). `answers`: its answers when the caller has them (the
    submit, from its grading), else read here."""
    closes_at = current_closes_at(found)
    # Only the attempt's own member waits for the release; staff always see the result.
    held = found.is_owner and not result_visible(found.attempt, now)
    if answers is None:
        answers = attempt_answers(found.attempt)
    body = attempt_payload(found.attempt, answers, now, found.course.slug, found.quiz_row.slug, closes_at,
                           held=held)
    # The quiz file or its course folder is gone: the attempt's snapshot still tells all.
    body["content_removed"] = found.quiz is None
    return body
