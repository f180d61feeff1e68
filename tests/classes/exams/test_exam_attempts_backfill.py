"""Migration 0008's backfill: an attempt made under a class exam before attempts recorded
their schedule_key gets the key of the exam its settings recorded, only when that exam still
exists, is of the attempt's quiz and was created before the attempt started (SQLite may
reuse a cancelled exam's id); every other attempt keeps NULL (the quiz file's rules)."""
from __future__ import annotations

import importlib.util

import pytest
from sqlalchemy import update

from learnhub.classes.exams.models import ClassExam
from learnhub.classes.exams.services import exam_key
from learnhub.config import PROJECT_ROOT
from learnhub.extensions import db
from learnhub.quizzes.models import Attempt
from tests.support.exams import EXAM_QUIZ, People

MIGRATION = PROJECT_ROOT / "migrations" / "versions" / "0008_exam_attempts.py"


def _migration():
    spec = importlib.util.spec_from_file_location("migration_0008", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def people(quiz_app, quiz_content, clock):
    quiz_content("final", EXAM_QUIZ)
    quiz_content("second", EXAM_QUIZ.replace("Final exam", "Second exam"))
    return People(quiz_app)


def _finished(people, name, quiz="final") -> int:
    started = people.start(name, quiz=quiz)
    assert started.status_code == 201, started.get_json()
    people.submit(name, started.get_json()["id"])
    return started.get_json()["id"]


def _record(attempt_id: int, exam_id: int) -> None:
    attempt = db.session.get(Attempt, attempt_id)
    attempt.settings = {**attempt.settings, "schedule": {"source": "class_exam", "id": exam_id, "override": None}}


def test_backfill_links_attempts_to_the_exam_they_recorded(people, clock):
    practice = _finished(people, "bob", quiz="second")     # before any exam: the file's rules
    exam = people.schedule()
    under_exam = _finished(people, "ann")
    wrong_quiz = _finished(people, "ann", quiz="second")
    reused = _finished(people, "bob")
    gone = _finished(people, "otherhead", quiz="second")
    clock.advance(minutes=5)
    later = people.client("otherhead").api("POST", f"/api/v1/classes/{people.other_class.id}/exams", {
        "course": "qc", "quiz": "final", "opens_at": "2026-11-24T12:00:00Z", "closes_at": "2026-11-24T18:00:00Z"})
    assert later.status_code == 201
    # The attempts as they were before 0008: no key, only what settings["schedule"] recorded.
    db.session.execute(update(Attempt).values(schedule_key=None))
    _record(wrong_quiz, exam["id"])                 # an exam of another quiz
    _record(reused, later.get_json()["id"])         # an exam created after the attempt started
    _record(gone, 987_654)                          # an exam cancelled since
    db.session.commit()

    _migration()._backfill(db.session.connection())
    db.session.commit()
    db.session.expire_all()
    keys = {attempt_id: db.session.get(Attempt, attempt_id).schedule_key
            for attempt_id in (practice, under_exam, wrong_quiz, reused, gone)}
    assert keys == {practice: None, under_exam: exam_key(db.session.get(ClassExam, exam["id"])),
                    wrong_quiz: None, reused: None, gone: None}
