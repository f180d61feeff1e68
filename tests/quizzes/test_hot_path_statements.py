"""The exam's hot paths in statements (issue 15): a whole class starts an exam at once and then
saves every few seconds, so the start sends the same few statements whatever the number of
questions (two reads, then two inserts: the attempt, then all its questions), and a save is one statement after
authentication once the process knows the attempt (one more the first time). Neither loads an
ORM object of the quiz, its exams or the attempt."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from learnhub.quizzes.models import Answer
from tests.support.exams import People
from tests.support.orm_loads import orm_loads

AUTHENTICATION = ("login_sessions", "api_tokens")  # authentication's own statements: not counted here
EXAM_OBJECTS = {"Quiz", "ClassExam", "ExamOverride", "Attempt", "AttemptQuestion", "Answer"}


def exam_quiz(questions: int) -> str:
    lines = [f"::q{n}::Question {n}? {{=right ~wrong ~other}}\n" for n in range(questions)]
    return "---\ntitle: Exam\nkind: exam\nattempts: 1\ntime_limit: 30m\n---\n" + "\n".join(lines)


def quiz_statements(statements: list[str]) -> list[str]:
    return [s for s in statements if not any(table in s for table in AUTHENTICATION)]


@pytest.fixture
def people(quiz_app, quiz_content, clock):
    quiz_content("small", exam_quiz(3))
    quiz_content("large", exam_quiz(30))
    return People(quiz_app)


def start(people, name: str, quiz: str, exam_id: int, count_queries):
    client = people.client(name)  # logged in before counting
    with count_queries() as statements, orm_loads() as loaded:
        response = client.api("POST", f"/api/v1/courses/qc/quizzes/{quiz}/attempts", {"exam": exam_id})
    assert response.status_code == 201, response.get_json()
    assert not EXAM_OBJECTS & set(loaded), loaded
    return response.get_json(), quiz_statements(statements)


def test_an_exam_start_sends_the_same_statements_whatever_its_questions(people, count_queries, is_postgres):
    small, large = people.schedule("small"), people.schedule("large")
    few_paper, few = start(people, "ann", "small", small["id"], count_queries)
    many_paper, many = start(people, "bob", "large", large["id"], count_queries)
    assert (len(few_paper["questions"]), len(many_paper["questions"])) == (3, 30)
    assert len(few) == len(many), (few, many)
    writes = [s for s in many if s.lstrip().upper().startswith(("INSERT", "WITH"))]
    if is_postgres:  # the attempt's INSERT as a WITH clause of its questions' INSERT
        assert len(writes) == 1 and "INSERT INTO attempts" in writes[0], writes
        assert "INSERT INTO attempt_questions" in writes[0], writes
    else:
        assert len(writes) == 2 and "attempt_questions" in writes[1], writes
    assert not [s for s in many if s.lstrip().upper().startswith(("UPDATE", "SAVEPOINT"))], many
    # Read once for progress's prerequisite gate and the start alike: the quiz's row with the
    # member's attempts at it, then their exams of it (each with its requirement); the inserts.
    assert len(many) == 2 + len(writes), many
    assert "FROM quizzes" in many[0] and "attempts" in many[0], many[0]
    assert "FROM class_exams" in many[1] and "requires_courses_complete" in many[1], many[1]
    # The attempt is not read back to be shown: the start answers from what it inserted.
    assert not [s for s in many if "FROM attempt_questions" in s or "FROM answers" in s], many


def test_the_start_shows_the_attempt_as_reading_it_back_does(people, count_queries):
    exam = people.schedule("small")
    started, _statements = start(people, "ann", "small", exam["id"], count_queries)
    again = people.client("ann").api("GET", f"/api/v1/attempts/{started['id']}").get_json()
    assert started == again  # same clock: server_now too


def test_a_save_is_one_statement_once_the_process_knows_the_attempt(people, count_queries):
    exam = people.schedule("small")
    attempt, _statements = start(people, "ann", "small", exam["id"], count_queries)
    client = people.client("ann")
    question = attempt["questions"][0]
    options = [option["id"] for option in question["options"]]
    url = f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}"
    with count_queries() as first:
        assert client.api("PUT", url, {"response": options[0]}).status_code == 200
    saves = []
    for option in options[1:]:
        with count_queries() as statements, orm_loads() as loaded:
            assert client.api("PUT", url, {"response": option}).status_code == 200
        assert not EXAM_OBJECTS & set(loaded), loaded
        saves.append(quiz_statements(statements))
    assert len(quiz_statements(first)) == 2  # the attempt's questions read once, then the write
    for statements in saves:
        assert len(statements) == 1 and statements[0].lstrip().upper().startswith("INSERT"), statements
    assert people.submit("ann", attempt["id"])["answers"][str(question["id"])] == options[-1]


def test_a_submission_sends_the_same_statements_however_many_were_left_blank(people, count_queries, db):
    small, large = people.schedule("small"), people.schedule("large")
    counts = {}
    for name, quiz, exam in (("ann", "small", small), ("bob", "large", large)):
        attempt, _statements = start(people, name, quiz, exam["id"], count_queries)
        client = people.client(name)
        with count_queries() as statements:
            result = client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit").get_json()
        counts[quiz] = len(quiz_statements(statements))
        blanks = db.session.scalar(select(func.count()).select_from(Answer).where(
            Answer.attempt_id == attempt["id"], Answer.fraction == 0))
        assert (result["state"], result["score"], blanks) == ("submitted", 0.0, len(attempt["questions"]))
    assert counts["small"] == counts["large"], counts
