"""Quizzes in tests: a quiz with every question type, a controllable clock, and the attempt API
as a member uses it (start, save, the right answers)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)  # where the clock fixture starts
QUIZ = "/api/v1/courses/qc/quizzes/every-type"  # ALL_TYPES_QUIZ in the quiz_content course
ALL_TYPES_QUIZ = """---
title: Every type
time_limit: 10m
grace: 30s
review: answers_after_submit
points:
  essay: 2
---
::single::Capital of China? {=Beijing#Right, Beijing. ~Shanghai#No, that is Shanghai. ~Guangzhou}

::multiple::Pick the even numbers. {~%50%2 ~%50%4 ~%-100%3}

::tf::The sky is blue. {T#Not quite.#Yes.}

::short::Name the capital. {=Beijing =Peking}

::numerical::What is pi? {#3.14:0.01}

::matching::Match. {=cat -> meow =dog -> woof =cow -> moo}

::essay::Write a few words. {}

Just some information, no answer needed.
"""


class Clock:
    """A controllable 'now' for the quiz views and API (services take `now` explicitly)."""

    def __init__(self, monkeypatch):
        self.now = T0
        # One source of "now" for every module (services, views, column defaults).
        monkeypatch.setattr("learnhub.core.types.now_source", lambda: self.now)

    def advance(self, **delta):
        self.now += timedelta(**delta)
        return self.now


def start(client):
    response = client.api("POST", QUIZ + "/attempts")
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def by_type(attempt: dict) -> dict:
    return {q["type"]: q for q in attempt["questions"]}


def save(client, attempt, question, response):
    return client.api("PUT", f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}",
                      {"response": response})


def right_answers(attempt: dict) -> dict:
    """What a member who knows everything answers (found from the option texts)."""
    q = by_type(attempt)
    single = next(o["id"] for o in q["single"]["options"] if "Beijing" in o["text_html"])
    multiple = [o["id"] for o in q["multiple"]["options"] if o["text_html"] in ("<p>2</p>", "<p>4</p>")]
    right = {o["text_html"]: o["id"] for o in q["matching"]["options"]["right"]}
    sounds = {"<p>cat</p>": "<p>meow</p>", "<p>dog</p>": "<p>woof</p>", "<p>cow</p>": "<p>moo</p>"}
    matching = {o["id"]: right[sounds[o["text_html"]]] for o in q["matching"]["options"]["left"]}
    return {"single": single, "multiple": multiple, "true_false": True, "short": "  peking ",
            "numerical": "3.145", "matching": matching, "essay": "Some words."}


def save_right_option(row, question_id: int, now) -> tuple[str, int]:
    """In a race with a submit: save the right option of the attempt's question `question_id`
    through the service and commit; ("saved", id), or ("refused", id) when the attempt closed."""
    from learnhub.extensions import db
    from learnhub.quizzes import attempts as rules

    question = next(q for q in row.questions if q.id == question_id)
    right = next(o["id"] for o in question.layout["options"] if o["index"] == 0)
    try:
        rules.save_answer(row, question, right, now)
        db.session.commit()
        return ("saved", question.id)
    except rules.AttemptClosed:
        db.session.rollback()
        return ("refused", question.id)


def assert_graded_once_as_saved(attempt_id: int, outcomes: list[tuple[str, int]]) -> None:
    """After saves raced a submit: the attempt was graded once, every save that went through
    is graded right and every refused one counts as unanswered."""
    from sqlalchemy import select

    from learnhub.extensions import db
    from learnhub.quizzes.models import Answer, Attempt

    db.session.expire_all()
    assert db.session.get(Attempt, attempt_id).times_graded == 1
    fractions = dict(db.session.execute(select(Answer.attempt_question_id, Answer.fraction)
                                        .where(Answer.attempt_id == attempt_id)).all())
    for outcome, question_id in outcomes:
        assert fractions[question_id] == (1.0 if outcome == "saved" else 0.0), (outcome, question_id)
