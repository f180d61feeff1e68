"""GIFT as Moodle reads it: the numerical catch-all, case-sensitive true/false, and the
short-answer wildcard, from the file through grading and back to GIFT."""
from __future__ import annotations

import dataclasses

import pytest

from learnhub.quizzes.gift import parse_gift
from learnhub.quizzes.gift_writer import to_gift
from learnhub.quizzes.grading import grade_answer
from learnhub.quizzes.questions import Choice, NumericAnswer, Question, QuizFormatError
from learnhub.quizzes.types import question_type


def one(text: str) -> Question:
    [question] = parse_gift(text)
    return question


def problems(text: str) -> list[tuple[int, str]]:
    with pytest.raises(QuizFormatError) as raised:
        parse_gift(text)
    return raised.value.problems


def graded(question: Question, response) -> tuple[float | None, str | None]:
    """(fraction, feedback) as an attempt grades `response` (already validated)."""
    kind = question_type(question)
    response = kind.validate({}, response)
    attempt_question = type("AttemptQuestion", (), {"layout": {}, "points": 1.0})()
    fraction, _points = grade_answer(question, attempt_question, response)
    return fraction, kind.answer_feedback(question, {}, response)


def round_trips(questions: list[Question]) -> None:
    def plain(items):
        return [dataclasses.replace(q, line=0) for q in items]
    written = to_gift(questions)
    assert plain(parse_gift(written)) == plain(questions), written
    assert to_gift(parse_gift(written)) == written


# -- numerical: Moodle's `~` catch-all ----------------------------------------------------

MOODLE_EXPORT = """// question: 12  name: Pi
::Pi::[html]What is 3 ± 2?{#
\t=%100%3:2#
\t~#Completely wrong
}
"""


def test_moodle_exported_numerical_with_a_catch_all_imports():
    q = one(MOODLE_EXPORT)
    assert q.type == "numerical"
    assert q.numeric == [NumericAnswer(1.0, 5.0, 1.0, None),
                         NumericAnswer(None, None, 0.0, "Completely wrong")]
    assert one("Q{#=%100%3:2# ~#Completely wrong}").numeric == q.numeric
    assert one("Q{#3 ~}").numeric == [NumericAnswer(3.0, 3.0), NumericAnswer(None, None, 0.0)]


def test_the_catch_all_gives_no_credit_and_its_feedback_only_for_a_wrong_answer():
    q = one("Year?{#=1921#Right. =%50%1919..1923#Close. ~#Completely wrong}")
    assert graded(q, "1921") == (1.0, "Right.")
    assert graded(q, "1920") == (0.5, "Close.")
    assert graded(q, "1066") == (0.0, "Completely wrong")
    assert graded(q, None) == (0.0, None)
    assert question_type(q).correct_response(q, {}) == 1921.0


def test_the_catch_all_survives_a_snapshot():
    q = one(MOODLE_EXPORT)
    assert Question.from_dict(q.to_dict()) == q


@pytest.mark.parametrize("text, message", [
    ("Q{#~#x =3}", "a numerical question must have its '~' answer (for any other response) last"),
    ("Q{#=3 ~#x ~#y}", "a numerical question can have only one '~' answer"),
    ("Q{#=3 ~5#x}", "the '~' answer takes no value or weight ('5'), only '#' and its feedback"),
    ("Q{#~#only feedback}", "a numerical question needs an answer"),
])
def test_catch_all_mistakes_are_reported(text, message):
    assert any(found.startswith(message) for _line, found in problems(text)), problems(text)


def test_writer_writes_the_catch_all_last_as_moodle_does():
    q = one(MOODLE_EXPORT)
    assert "=1..5\n~#Completely wrong\n}" in to_gift([q])
    round_trips([q, one("Q{#3 ~}"), one("Q{#=2 ~#[markdown]*no*####General.}")])
    with pytest.raises(ValueError, match="last"):
        to_gift([Question("numerical", "Q", line=1, numeric=[
            NumericAnswer(None, None, 0.0, "x"), NumericAnswer(1.0, 1.0)])])
    with pytest.raises(ValueError, match="no credit"):
        to_gift([Question("numerical", "Q", line=1, numeric=[
            NumericAnswer(1.0, 1.0), NumericAnswer(None, None, 0.5)])])
    with pytest.raises(ValueError, match="besides"):
        to_gift([Question("numerical", "Q", line=1, numeric=[NumericAnswer(None, None, 0.0)])])


# -- true/false is case-sensitive ------------------------------------------------------------

@pytest.mark.parametrize("word", ["true", "True", "t", "false", "f", "False"])
def test_lower_case_true_false_is_a_short_answer_as_in_moodle(word):
    # Moodle checks T, TRUE, F, FALSE exactly and reads anything else as a short answer
    # whose one accepted answer is the word itself.
    q = one(f"The sky is blue.{{{word}#fb}}")
    assert (q.type, q.choices) == ("short", [Choice(word, 1.0, "fb")])
    assert graded(q, word.upper())[0] == 1.0
    assert graded(q, "maybe")[0] == 0.0
    assert one(f"The sky is blue.{{={word}}}").choices == [Choice(word, 1.0)]
    round_trips([q])


# -- short answers: `*` is a wildcard ------------------------------------------------------

def test_star_alone_accepts_any_answer_at_its_weight():
    q = one("Anything?{=Beijing#Best. =%25%*#Any other answer.}")
    assert q.choices == [Choice("Beijing", 1.0, "Best."), Choice("*", 0.25, "Any other answer.")]
    assert graded(q, "beijing") == (1.0, "Best.")
    assert graded(q, "Shanghai") == (0.25, "Any other answer.")
    assert graded(q, "") == (0.0, None)          # no answer is not "any" answer
    assert question_type(q).correct_response(q, {}) == "Beijing"


@pytest.mark.parametrize("answer, right, wrong", [
    ("Bei*", ["Beijing", "bei", "BEI JING", "Ｂｅｉｊｉｎｇ"], ["Peking", "Abeijing"]),
    ("*jing", ["Beijing", "Nanjing"], ["Beijing city"]),
    ("B*g", ["Beijing", "Bg"], ["Beijin"]),
    ("Bei**ng", ["Beijing"], ["Beijin"]),
    ("a\\*b", ["a*b", "A＊B"], ["ab", "axb"]),     # `\*` is a literal asterisk
    ("1+1*", ["1+1=2"], ["11"]),                    # other characters are literal
])
def test_wildcard_matching(answer, right, wrong):
    q = Question("short", "Q", line=1, choices=[Choice(answer, 1.0)])
    for response in right:
        assert graded(q, response)[0] == 1.0, response
    for response in wrong:
        assert graded(q, response)[0] == 0.0, response


def test_the_right_answer_shown_has_no_wildcard_when_one_can_be_avoided():
    kind = question_type(one("Q{=Bei* =Beijing}"))
    assert kind.correct_response(one("Q{=Bei* =Beijing}"), {}) == "Beijing"
    assert kind.correct_response(one("Q{=Bei*}"), {}) == "Bei*"
    assert kind.correct_response(one("Q{=a\\\\*b}"), {}) == "a*b"


def test_wildcards_round_trip():
    questions = parse_gift("Q{=* =Bei*#ok =a\\\\*b}\n\nR{=true =t}")
    assert [c.text for c in questions[0].choices] == ["*", "Bei*", "a\\*b"]
    round_trips(questions)


# -- through an attempt (the snapshot keeps the catch-all) ----------------------------------

def test_an_attempt_grades_a_moodle_export_as_moodle_does(quiz_client, quiz_content, clock):
    from tests.support.quizzes import save, start

    quiz_content("every-type", "---\ntitle: Moodle\n---\n" + MOODLE_EXPORT
                 + "\n::City::Capital? {=Beijing =%50%Bei*#Almost. =%10%*#Anything.}\n")
    for answers, percent in (({"numerical": "4", "short": "beijing"}, 100.0),
                             ({"numerical": "99", "short": "Beiping"}, 25.0),
                             ({"numerical": None, "short": "Nanjing"}, 5.0)):
        attempt = start(quiz_client)
        for question in attempt["questions"]:
            saved = save(quiz_client, attempt, question, answers[question["type"]])
            assert saved.status_code == 200, saved.get_json()
        result = quiz_client.api("POST", f"/api/v1/attempts/{attempt['id']}/submit").get_json()
        assert result["percent"] == percent, result
        feedback = {q["type"]: q.get("feedback_html") for q in result["questions"]}
        if percent == 25.0:
            assert feedback == {"numerical": "Completely wrong", "short": "<p>Almost.</p>"}  # [html], markdown
        clock.advance(minutes=1)


def test_numerical_right_answer_reads_as_written():
    q = one("What is pi?{#3.14:0.01}")
    assert question_type(q).correct_response(q, {}) == 3.14
