"""Quiz files: front matter checks in `content check`, and `flask quizzes import|export`."""
from __future__ import annotations

import pytest

from learnhub.quizzes.gift import parse_gift
from learnhub.quizzes.loader import get_quiz_catalog
from learnhub.quizzes.settings import parse_duration

COURSE = "---\ntitle: C\nsummary: S\n---\nText.\n"
GOOD = "::a::Q? {=y ~n}\n"


@pytest.mark.parametrize("value,seconds", [("30m", 1800), ("90s", 90), ("1h30m", 5400), (45, 45)])
def test_durations(value, seconds):
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["0m", "soon", "", "-5", True])
def test_bad_durations(value):
    with pytest.raises(ValueError):
        parse_duration(value)


@pytest.mark.parametrize("front,expected", [
    ("kind: quiz\n", "c/quizzes/q.gift:3: 'kind' must be one of practice, exam"),
    ("time_limit: soon\n", "c/quizzes/q.gift:3: 'time_limit' must be a duration"),
    ("attempts: 0\n", "c/quizzes/q.gift:3: 'attempts' must be a whole number of at least 1"),
    ("grading: best\n", "c/quizzes/q.gift:3: 'grading' must be one of"),
    ("pass_percent: 120\n", "c/quizzes/q.gift:3: 'pass_percent' must be a number from 0 to 100"),
    ("review: always\n", "c/quizzes/q.gift:3: 'review' must be one of"),
    ("review: answers_after_close\n", "c/quizzes/q.gift:3: 'review: answers_after_close' needs a 'closes_at'"),
    ("opens_at: 2026-12-02 09:00\ncloses_at: 2026-12-01 09:00\n", "c/quizzes/q.gift:4: 'closes_at' must be after"),
    ("draw: 5\n", "c/quizzes/q.gift:3: 'draw: 5' but the quiz has 1 questions"),
    ("manual_review: [nothere]\n", "c/quizzes/q.gift:3: no question titled 'nothere'"),
    ("colour: red\n", "c/quizzes/q.gift:3: unknown front matter key 'colour'"),
    ("shuffle_options: maybe\n", "c/quizzes/q.gift:3: 'shuffle_options' must be true or false"),
])
def test_content_check_reports_quiz_settings_problems(make_app, write_content, front, expected):
    root = write_content({"c/course.md": COURSE, "c/quizzes/q.gift": f"---\ntitle: Q\n{front}---\n{GOOD}"})
    app = make_app(CONTENT_DIR=str(root))
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 1 and expected in result.output, result.output


def test_content_check_reports_gift_errors_with_file_lines(make_app, write_content):
    root = write_content({"c/course.md": COURSE,
                          "c/quizzes/q.gift": "---\ntitle: Q\n---\n::a::Fine? {=y ~n}\n\n::b::Broken? {=y ~n\n"})
    app = make_app(CONTENT_DIR=str(root))
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 1
    assert "c/quizzes/q.gift:6:" in result.output and "never closed" in result.output


def test_a_quiz_with_errors_is_not_served(make_app, write_content):
    root = write_content({"c/course.md": COURSE, "c/quizzes/bad.gift": "::a::Broken? {=y\n",
                          "c/quizzes/good.gift": GOOD})
    app = make_app(CONTENT_DIR=str(root))
    with app.app_context():
        assert get_quiz_catalog().get("c", "bad") is None
        assert get_quiz_catalog().get("c", "good").settings.title == "Good"
        assert [q.slug for q in get_quiz_catalog().for_course("c")] == ["good"]


def test_shipped_quizzes_pass_the_check(app):
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert get_quiz_catalog().get("wangluo-dangjian", "final-exam").settings.time_limit == 1200


WJX = """1. 中国共产党的根本宗旨是[单选题]
A、全心全意为人民服务(正确答案)
B、发展经济
2. 党员应当按时交纳党费[判断题]
A、对(正确答案)
B、错
"""


def test_import_wjx_previews_and_writes_gift(make_app, write_content, tmp_path):
    root = write_content({"c/course.md": COURSE})
    source = tmp_path / "exam.txt"
    source.write_text(WJX, encoding="utf-8")
    app = make_app(CONTENT_DIR=str(root))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["quizzes", "import", str(source), "--course", "c", "--format", "wjx"])
    assert result.exit_code == 0, result.output
    assert "[single] 中国共产党的根本宗旨是" in result.output and "[true_false]" in result.output
    written = (root / "c" / "quizzes" / "exam.gift").read_text(encoding="utf-8")
    questions = parse_gift(written.split("---\n", 2)[2])
    assert [q.type for q in questions] == ["single", "true_false"]
    again = runner.invoke(args=["quizzes", "import", str(source), "--course", "c", "--format", "wjx"])
    assert again.exit_code != 0 and "--force" in again.output


def test_import_with_a_bad_line_writes_nothing_and_names_it(make_app, write_content, tmp_path):
    root = write_content({"c/course.md": COURSE})
    source = tmp_path / "bad.txt"
    source.write_text("1. 题目[单选题]\nA、甲(正确答案)\nB、乙(正确答案)\n", encoding="utf-8")
    app = make_app(CONTENT_DIR=str(root))
    result = app.test_cli_runner().invoke(args=["quizzes", "import", str(source), "--course", "c",
                                                "--format", "wjx"])
    assert result.exit_code != 0
    assert f"{source}:1:" in result.output and "Nothing written" in result.output
    assert not (root / "c" / "quizzes").exists()


def test_import_aiken(make_app, write_content, tmp_path):
    root = write_content({"c/course.md": COURSE})
    source = tmp_path / "aiken.txt"
    source.write_text("What is 2+2?\nA. 3\nB. 4\nANSWER: B\n", encoding="utf-8")
    app = make_app(CONTENT_DIR=str(root))
    result = app.test_cli_runner().invoke(args=["quizzes", "import", str(source), "--course", "c",
                                                "--format", "aiken", "--slug", "sums"])
    assert result.exit_code == 0, result.output
    assert (root / "c" / "quizzes" / "sums.gift").is_file()


def test_export_then_import_gives_the_same_questions(app, tmp_path):
    runner = app.test_cli_runner()
    exported = tmp_path / "export.gift"
    result = runner.invoke(args=["quizzes", "export", "party-building-online", "check-your-understanding",
                                 "-o", str(exported)])
    assert result.exit_code == 0, result.output
    original = get_quiz_catalog().get("party-building-online", "check-your-understanding").questions
    round_trip = parse_gift(exported.read_text(encoding="utf-8"))
    strip = lambda qs: [{**q.to_dict(), "line": 0, "points": 1.0, "manual": q.type == "essay"} for q in qs]  # noqa: E731
    assert strip(round_trip) == strip(original)
    missing = runner.invoke(args=["quizzes", "export", "party-building-online", "nope"])
    assert missing.exit_code != 0


# -- option order ----------------------------------------------------------------------------

@pytest.mark.parametrize("front", ["kind: exam\n", "kind: practice\n", ""])
def test_options_are_shuffled_unless_the_file_says_otherwise(front):
    from learnhub.quizzes.settings import settings_from_meta

    meta = dict(line.split(": ") for line in front.splitlines())
    settings, errors = settings_from_meta({"title": "Q", **meta}, "Asia/Shanghai")
    assert errors == [] and settings.shuffle_options is True
    settings, _ = settings_from_meta({"title": "Q", **meta, "shuffle_options": False}, "Asia/Shanghai")
    assert settings.shuffle_options is False


def test_an_exam_without_shuffle_options_does_not_show_the_key_by_position(quiz_client, quiz_content):
    # GIFT authors put the right answer first: in file order it would always be option 1.
    quiz_content("every-type", "---\ntitle: Exam\nkind: exam\n---\n"
                 + "".join(f"::q{i}::Q{i}? {{=right ~w1 ~w2 ~w3}}\n\n" for i in range(12)))
    attempt = quiz_client.api("POST", "/api/v1/courses/qc/quizzes/every-type/attempts").get_json()
    firsts = [q["options"][0]["text_html"] for q in attempt["questions"]]
    assert len(firsts) == 12 and firsts.count("<p>right</p>") < 12


@pytest.mark.parametrize("kind, what", [("exam", "an exam's"), ("practice", "a quiz's")])
def test_content_check_warns_where_a_quiz_turns_shuffling_off(make_app, write_content, kind, what):
    root = write_content({"c/course.md": COURSE, "c/quizzes/q.gift":
                          f"---\ntitle: Q\nkind: {kind}\nshuffle_options: false\n---\n{GOOD}",
                          "c/quizzes/ok.gift": f"---\ntitle: Q\nkind: {kind}\nshuffle_options: true\n---\n{GOOD}"})
    app = make_app(CONTENT_DIR=str(root))
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output          # a warning, not an error
    assert (f"c/quizzes/q.gift:4: warning: 'shuffle_options: false' shows {what} options in file order"
            in result.output), result.output
    assert "ok.gift" not in result.output and "1 warning(s)" in result.output
    with app.app_context():
        assert get_quiz_catalog().get("c", "q").settings.shuffle_options is False   # still served


def test_content_check_still_fails_on_errors_beside_warnings(make_app, write_content):
    root = write_content({"c/course.md": COURSE,
                          "c/quizzes/q.gift": f"---\ntitle: Q\nshuffle_options: false\n---\n{GOOD}",
                          "c/quizzes/bad.gift": "::a::Broken? {=y\n"})
    app = make_app(CONTENT_DIR=str(root))
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 1 and "1 problem(s) found." in result.output, result.output
    assert "q.gift:3: warning:" in result.output
