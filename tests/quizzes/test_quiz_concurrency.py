"""Concurrent starts and submits: threads against one database (SQLite file or PostgreSQL)."""
from __future__ import annotations

import time
from datetime import datetime, timezone

from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from learnhub.auth.models import User
from learnhub.courses.index import content_index
from learnhub.extensions import db
from learnhub.quizzes import attempts as rules
from learnhub.quizzes.loader import get_quiz_catalog
from learnhub.quizzes.models import Attempt, AttemptQuestion
from tests.support.quizzes import assert_graded_once_as_saved, save_right_option
from tests.support.threads import THREADS, run_in_threads

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)


def test_concurrent_starts_make_one_open_attempt(quiz_app, quiz_client):
    user_id = quiz_client.user.id

    def start():
        user = db.session.get(User, user_id)
        course = content_index().course("qc")
        attempt, _created = rules.start_attempt(user, course, get_quiz_catalog().get("qc", "every-type"), NOW)
        attempt_id = attempt.id
        db.session.commit()
        return attempt_id

    ids = run_in_threads(quiz_app, start)
    assert len(ids) == THREADS and len(set(ids)) == 1
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1
    # The starts that lost inserted no question either (PostgreSQL: one statement for both).
    questions = db.session.scalar(select(func.count()).select_from(AttemptQuestion))
    assert questions == len(db.session.get(Attempt, ids[0]).questions) > 0


def test_concurrent_submits_grade_once(quiz_app, quiz_client):
    course = content_index().course("qc")
    attempt, _ = rules.start_attempt(quiz_client.user, course, get_quiz_catalog().get("qc", "every-type"), NOW)
    db.session.commit()
    attempt_id = attempt.id

    def submit():
        result = rules.submit_attempt(db.session.get(Attempt, attempt_id), NOW)
        score = (result.attempt.state, result.attempt.score)
        db.session.commit()
        return score

    outcomes = run_in_threads(quiz_app, submit)
    assert len(set(outcomes)) == 1
    db.session.expire_all()
    assert db.session.get(Attempt, attempt_id).times_graded == 1


MANY = "---\ntitle: Many\n---\n" + "\n\n".join(
    f"::q{i}::Question {i}? {{=right ~wrong}}" for i in range(THREADS))


def test_saves_racing_a_submit_are_graded_or_refused_never_lost(quiz_app, quiz_client, quiz_content):
    """Every save that was acknowledged is in the graded attempt; the others were refused."""
    quiz_content("many", MANY)
    course = content_index().course("qc")
    attempt, _ = rules.start_attempt(quiz_client.user, course, get_quiz_catalog().get("qc", "many"), NOW)
    db.session.commit()
    attempt_id = attempt.id
    question_ids = [q.id for q in attempt.questions]
    submitter = THREADS // 2
    counter = iter(range(THREADS))

    def save_or_submit():
        index = next(counter)
        row = db.session.get(Attempt, attempt_id)
        if index == submitter:
            rules.submit_attempt(row, NOW)
            db.session.commit()
            return None
        return save_right_option(row, question_ids[index], NOW)

    outcomes = [o for o in run_in_threads(quiz_app, save_or_submit) if o]
    assert_graded_once_as_saved(attempt_id, outcomes)


def test_form_submits_racing_each_other_save_and_grade_once(quiz_app, quiz_client, quiz_content):
    """The form's submit saves what the page holds and submits in one transaction: several at
    once (a double tap, the timer and the button) neither deadlock nor grade twice."""
    quiz_content("many", MANY)
    course = content_index().course("qc")
    attempt, _ = rules.start_attempt(quiz_client.user, course, get_quiz_catalog().get("qc", "many"), NOW)
    db.session.commit()
    attempt_id = attempt.id

    def save_then_submit():
        row = db.session.get(Attempt, attempt_id)
        question = row.questions[0]
        try:
            rules.save_answer(row, question, question.layout["options"][0]["id"], NOW)
        except rules.AttemptClosed:
            pass  # another submit won: what was saved before stands
        result = rules.submit_attempt(row, NOW)
        graded = result.graded_now
        db.session.commit()
        return graded

    def after_the_save(conn, cursor, statement, *_args):
        if statement.lstrip().startswith("INSERT INTO answers"):
            time.sleep(0.05)  # every thread saves before any submits: the window a deadlock needs

    event.listen(Engine, "after_cursor_execute", after_the_save)
    try:
        outcomes = run_in_threads(quiz_app, save_then_submit)
    finally:
        event.remove(Engine, "after_cursor_execute", after_the_save)
    assert sorted(outcomes) == [False] * (THREADS - 1) + [True]
    db.session.expire_all()
    assert db.session.get(Attempt, attempt_id).times_graded == 1
