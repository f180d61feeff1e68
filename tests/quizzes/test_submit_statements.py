"""The exam's submit (issue 15): a college's whole exam submits within seconds when its timer
ends for everyone at once, so the API's submit is a few statements whatever the paper (the
attempt and its quiz read under the attempt's lock, its questions with their answers, every
answer's points in one write, the attempt closed with its score in one UPDATE, the exam's
release for the result gate) and loads no ORM object of the quiz, its exam, the attempt or its
answers. It answers exactly what reading the attempt back answers, and it stays safe when saves
and other submits race it."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from learnhub.courses.catalog import get_catalog
from learnhub.courses.index import sync_all
from learnhub.courses.models import UnitProgress
from learnhub.extensions import db
from learnhub.quizzes.models import Answer, Attempt
from learnhub.quizzes.submitting import lock_attempt, submit_locked
from tests.support.exams import People
from tests.support.orm_loads import orm_loads
from tests.support.quizzes import ALL_TYPES_QUIZ, T0, assert_graded_once_as_saved, save_right_option
from tests.support.threads import THREADS, run_in_threads

AUTHENTICATION = ("login_sessions", "api_tokens")  # authentication's own statements: not counted here
EXAM_OBJECTS = {"Quiz", "ClassExam", "ExamOverride", "Attempt", "AttemptQuestion", "Answer"}


MANY = "---\ntitle: Many\n---\n" + "\n\n".join(f"::q{i}::Question {i}? {{=right ~wrong}}" for i in range(THREADS))


def exam_quiz(questions: int) -> str:
    lines = [f"::q{n}::Question {n}? {{=right ~wrong ~other}}\n" for n in range(questions)]
    return "---\ntitle: Exam\nkind: exam\nattempts: 1\ntime_limit: 30m\n---\n" + "\n".join(lines)


@pytest.fixture
def people(make_app, write_content, clock):
    """A course whose unit is completed by passing the `small` exam; `People` on it."""
    root = write_content({
        "qc/course.md": "---\ntitle: Quiz course\nsummary: S\n---\nText.\n",
        "qc/01-exam.md": "---\ntitle: Exam unit\ncompletion: quiz\nquiz: small\n---\n## The exam\n",
        "qc/quizzes/small.gift": exam_quiz(3),
        "qc/quizzes/large.gift": exam_quiz(30),
        "qc/quizzes/every-type.gift": ALL_TYPES_QUIZ,
        "qc/quizzes/many.gift": MANY,
    })
    app = make_app(CONTENT_DIR=str(root))
    with app.app_context():
        sync_all(db.session, get_catalog().tree())
        db.session.commit()
        yield People(app)


def start(people, name: str, quiz: str, exam: dict | None = None) -> dict:
    body = {"exam": exam["id"]} if exam else {}
    response = people.client(name).api("POST", f"/api/v1/courses/qc/quizzes/{quiz}/attempts", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def answer(people, name: str, attempt: dict, picks: dict[int, int]) -> None:
    """Save option `picks[i]` (0: the right one, in the file's order) to question i."""
    for index, option in picks.items():
        question = attempt["questions"][index]
        chosen = _option_id(question, option)
        url = f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}"
        assert people.client(name).api("PUT", url, {"response": chosen}).status_code == 200


def _option_id(question: dict, index: int) -> str:
    """The option with the file's `index` (the page shuffles them; the stored layout knows)."""
    from learnhub.quizzes.models import AttemptQuestion

    layout = db.session.get(AttemptQuestion, question["id"]).layout
    return next(o["id"] for o in layout["options"] if o["index"] == index)


def submit(people, name: str, attempt_id: int, count_queries):
    with count_queries() as statements, orm_loads() as loaded:
        response = people.client(name).api("POST", f"/api/v1/attempts/{attempt_id}/submit")
    assert response.status_code == 200, response.get_json()
    return response.get_json(), [s for s in statements if not any(t in s for t in AUTHENTICATION)], loaded


def kind(statement: str) -> str:
    words = statement.split()
    verb = words[0].upper()
    table = words[words.index("FROM") + 1] if verb == "SELECT" else words[2] if verb == "INSERT" else words[1]
    return f"{verb} {table}"


def test_a_submit_is_five_statements_whatever_its_paper_and_loads_no_exam_object(people, count_queries):
    small, large = people.schedule("small"), people.schedule("large")
    ann, bob = start(people, "ann", "small", small), start(people, "bob", "large", large)
    answer(people, "ann", ann, {0: 0, 1: 1})      # one right, one wrong, one blank
    answer(people, "bob", bob, {0: 0, 29: 0})     # two right, 28 blank
    for name, attempt, score in (("ann", ann, 1.0), ("bob", bob, 2.0)):
        result, statements, loaded = submit(people, name, attempt["id"], count_queries)
        assert (result["state"], result["score"], result["passed"]) == ("submitted", score, False)
        assert not EXAM_OBJECTS & set(loaded), loaded
        # The attempt with its quiz (locked), its questions with their answers, every answer's
        # points (one executemany), the attempt closed with its score, the exam's release.
        assert [kind(s) for s in statements] == [
            "SELECT attempts", "SELECT attempt_questions", "INSERT answers", "UPDATE attempts",
            "SELECT class_exams"], statements
    fractions = dict(db.session.execute(select(Answer.attempt_question_id, Answer.fraction)
                                        .where(Answer.attempt_id == bob["id"])).all())
    assert sorted(fractions.values()) == [0.0] * 28 + [1.0] * 2  # the blanks have rows of their own


def test_a_repeated_submit_reads_and_writes_nothing_more(people, count_queries):
    exam = people.schedule("small")
    attempt = start(people, "ann", "small", exam)
    answer(people, "ann", attempt, {0: 0})
    first, _statements, _loaded = submit(people, "ann", attempt["id"], count_queries)
    again, statements, loaded = submit(people, "ann", attempt["id"], count_queries)
    assert again == first and not EXAM_OBJECTS & set(loaded), loaded
    assert [kind(s) for s in statements] == ["SELECT attempts", "SELECT attempt_questions", "SELECT class_exams"]
    assert db.session.scalar(select(Attempt.times_graded).where(Attempt.id == attempt["id"])) == 1


def test_a_pass_completes_the_quiz_unit_without_loading_the_quiz(people, count_queries):
    exam = people.schedule("small")
    attempt = start(people, "ann", "small", exam)
    answer(people, "ann", attempt, {0: 0, 1: 0, 2: 0})
    result, _statements, loaded = submit(people, "ann", attempt["id"], count_queries)
    assert (result["state"], result["percent"], result["passed"]) == ("submitted", 100.0, True)
    assert not EXAM_OBJECTS & set(loaded), loaded
    completed = db.session.scalars(select(UnitProgress.completed_at).where(
        UnitProgress.user_id == people.users["ann"].id)).all()
    assert completed and completed[0] is not None


@pytest.mark.parametrize(("quiz", "release", "held"), [
    ("every-type", None, False),           # no class exam: the partial score shows
    ("every-type", "immediately", True),   # an essay waits for a grader: held under an exam
    ("small", "immediately", False),
    ("small", "manual", True),             # until staff release the results
])
def test_the_submit_answers_what_reading_the_attempt_back_answers(people, quiz, release, held):
    """Every question type (a short answer, an essay left for a grader, blanks), under a class
    exam or not, its result shown or held."""
    exam = people.schedule(quiz, release=release) if release else None
    attempt = start(people, "ann", quiz, exam)
    client = people.client("ann")
    if quiz == "small":
        answer(people, "ann", attempt, {0: 0, 2: 1})
    else:
        questions = {q["type"]: q for q in attempt["questions"]}
        for type_, response in (("short", "peking"), ("true_false", True), ("essay", "A few words."),
                                ("numerical", 3.14), ("single", _option_id(questions["single"], 1))):
            url = f"/api/v1/attempts/{attempt['id']}/answers/{questions[type_]['id']}"
            assert client.api("PUT", url, {"response": response}).status_code == 200
    submitted = client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit").get_json()
    assert submitted["state"] == ("needs_grading" if quiz == "every-type" else "submitted")
    assert submitted["awaiting_results"] is held and ("score" in submitted) is not held
    assert client.api("GET", f"/api/v1/attempts/{attempt['id']}").get_json() == submitted
    assert client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit").get_json() == submitted


def test_the_submit_is_its_members_only(people):
    attempt = start(people, "ann", "small", people.schedule("small"))
    url = f"/api/v1/attempts/{attempt['id']}/submit"
    assert people.client("bob").api("POST", url).status_code == 404     # not theirs to see
    assert people.client("head").api("POST", url).status_code == 403    # the class's staff see it
    assert people.client("ann").api("POST", "/api/v1/attempts/999999/submit").status_code == 404
    assert db.session.scalar(select(Attempt.state).where(Attempt.id == attempt["id"])) == "in_progress"


# ---- racing -----------------------------------------------------------------------------------

def _locked_submit(attempt_id: int):
    record, quiz = lock_attempt(attempt_id)
    answers, graded_now = submit_locked(record, quiz, T0)
    outcome = (graded_now, record.state, record.score, sorted((a.attempt_question_id, a.fraction) for a in answers))
    db.session.commit()
    return outcome


def test_locked_submits_racing_each_other_grade_once(people):
    attempt = start(people, "ann", "small")
    answer(people, "ann", attempt, {0: 0})
    db.session.rollback()
    outcomes = run_in_threads(people.app, lambda: _locked_submit(attempt["id"]))
    assert sorted(graded for graded, *_rest in outcomes) == [False] * (THREADS - 1) + [True]
    assert len({tuple(map(str, rest)) for _graded, *rest in outcomes}) == 1  # everyone answers the same result
    assert db.session.scalar(select(Attempt.times_graded).where(Attempt.id == attempt["id"])) == 1


def test_saves_racing_a_locked_submit_are_graded_or_refused_never_lost(people):
    attempt = start(people, "ann", "many")
    attempt_id = attempt["id"]
    question_ids = [q["id"] for q in attempt["questions"]]
    submitter = THREADS // 2
    counter = iter(range(THREADS))

    def save_or_submit():
        index = next(counter)
        if index == submitter:
            _locked_submit(attempt_id)
            return None
        return save_right_option(db.session.get(Attempt, attempt_id), question_ids[index], T0)

    db.session.rollback()
    outcomes = [o for o in run_in_threads(people.app, save_or_submit) if o]
    assert_graded_once_as_saved(attempt_id, outcomes)
    assert db.session.scalar(select(func.count()).select_from(Answer).where(Answer.attempt_id == attempt_id)) == THREADS
