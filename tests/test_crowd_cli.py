"""`flask bench seed-crowd`: a class of members with an exam open now, and a token per member."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from learnhub.auth.models import ApiToken, User
from learnhub.classes.exams.models import ClassExam
from learnhub.classes.exams.services import exam_key
from learnhub.classes.models import Membership, SchoolClass
from learnhub.core.types import utcnow
from learnhub.crowd import DEFAULT_COURSE, DEFAULT_QUIZ
from learnhub.quizzes.models import Attempt


def seed(app, tmp_path, *options: str, name: str = "tokens.txt"):
    tokens_file = tmp_path / name
    result = app.test_cli_runner().invoke(args=["bench", "seed-crowd", "--tokens", str(tokens_file), *options])
    return result, tokens_file


def counts(db) -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (User, SchoolClass, ApiToken))


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_seeds_members_enrolled_in_a_class_with_an_exam_open_now(app, db, tmp_path):
    result, tokens_file = seed(app, tmp_path, "--members", "7", "--class-code", "CR-A")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["course"] == DEFAULT_COURSE and summary["quiz"] == DEFAULT_QUIZ
    assert summary["members"] == 7

    school_class = db.session.get(SchoolClass, summary["class"])
    assert school_class.code == "CR-A" and school_class.status == "running"
    members = db.session.scalars(select(User.username).join(Membership, Membership.user_id == User.id).where(
        Membership.class_id == school_class.id, Membership.role == "member").order_by(User.username)).all()
    assert members == [f"cr-a-m{n:05d}" for n in range(1, 8)]
    exam = db.session.get(ClassExam, summary["exam"])
    assert exam.class_id == school_class.id
    assert exam.opens_at <= utcnow() < exam.closes_at
    assert exam.time_limit_seconds == 30 * 60

    tokens = tokens_file.read_text().splitlines()
    assert len(tokens) == len(set(tokens)) == 7


def test_each_token_is_its_members_and_starts_the_exam(app, db, tmp_path):
    result, tokens_file = seed(app, tmp_path, "--members", "3", "--class-code", "CR-B")
    summary = json.loads(result.output.strip().splitlines()[-1])
    tokens = tokens_file.read_text().splitlines()
    client = app.test_client()
    for number, token in enumerate(tokens, 1):  # the file is in member order
        me = client.get("/api/v1/me", headers=bearer(token))
        assert me.status_code == 200 and me.get_json()["username"] == f"cr-b-m{number:05d}"

    path = f"/api/v1/courses/{summary['course']}/quizzes/{summary['quiz']}"
    assert client.get(path, headers=bearer(tokens[0])).status_code == 200
    started = client.post(f"{path}/attempts", json={"exam": summary["exam"]}, headers=bearer(tokens[0]))
    assert started.status_code == 201, started.get_data(as_text=True)
    attempt = started.get_json()
    assert attempt["state"] == "in_progress" and attempt["questions"]
    shown = client.get(f"/api/v1/attempts/{attempt['id']}", headers=bearer(tokens[0]))
    assert shown.status_code == 200
    # The attempt is made under the crowd's exam (its window and time limit).
    assert db.session.get(Attempt, attempt["id"]).schedule_key == exam_key(db.session.get(ClassExam, summary["exam"]))
    # Another member's token does not reach that attempt.
    assert client.get(f"/api/v1/attempts/{attempt['id']}", headers=bearer(tokens[1])).status_code in (403, 404)


def test_a_new_class_code_makes_another_crowd_and_the_same_code_is_refused(app, db, tmp_path):
    first, _ = seed(app, tmp_path, "--members", "2", "--class-code", "CR-C", name="one.txt")
    second, tokens_file = seed(app, tmp_path, "--members", "2", "--class-code", "CR-D", name="two.txt")
    assert first.exit_code == 0 and second.exit_code == 0, second.output
    one, two = (json.loads(r.output.strip().splitlines()[-1]) for r in (first, second))
    assert one["class"] != two["class"] and one["exam"] != two["exam"]
    token = tokens_file.read_text().splitlines()[0]
    assert app.test_client().get("/api/v1/me", headers=bearer(token)).get_json()["username"] == "cr-d-m00001"

    before = counts(db)
    again, again_file = seed(app, tmp_path, "--members", "2", "--class-code", "CR-C", name="again.txt")
    assert again.exit_code == 1
    assert "cr-c-head exists already" in again.output
    assert counts(db) == before and not again_file.exists()


def test_without_a_class_code_each_run_makes_its_own(app, db, tmp_path):
    codes = []
    for name in ("a.txt", "b.txt"):
        result, _ = seed(app, tmp_path, "--members", "1", name=name)
        assert result.exit_code == 0, result.output
        codes.append(db.session.get(SchoolClass, json.loads(result.output.splitlines()[-1])["class"]).code)
    assert codes[0] != codes[1] and all(code.startswith("CROWD-") for code in codes)


@pytest.mark.parametrize("options, message", [
    (["--quiz", "no-such-quiz"], "no quiz wangluo-dangjian/no-such-quiz"),
    (["--course", "no-such-course"], "There is no course no-such-course"),
    (["--class-code", "bad code!"], "--class-code 'bad code!'"),
])
def test_bad_options_give_a_clear_error_and_write_nothing(app, db, tmp_path, options, message):
    before = counts(db)
    result, tokens_file = seed(app, tmp_path, "--members", "3", *options)
    assert result.exit_code == 1
    assert message in result.output
    assert counts(db) == before and not tokens_file.exists()


@pytest.mark.parametrize("options", [["--members", "0"], [], ["--members", "2", "--minutes", "0"]])
def test_out_of_range_or_missing_numbers_are_usage_errors(app, db, tmp_path, options):
    before = counts(db)
    result, _ = seed(app, tmp_path, *options)
    assert result.exit_code == 2
    assert "--members" in result.output or "--minutes" in result.output
    assert counts(db) == before


def test_an_unwritable_tokens_file_leaves_nothing_behind(app, db, tmp_path):
    before = counts(db)
    result = app.test_cli_runner().invoke(args=["bench", "seed-crowd", "--members", "2",
                                                "--tokens", str(tmp_path / "missing" / "tokens.txt")])
    assert result.exit_code == 1 and "cannot write" in result.output
    assert counts(db) == before
