"""The Aiken importer: what it accepts, and every way it refuses."""
from __future__ import annotations

import pytest

from learnhub.quizzes.importers import parse_aiken
from learnhub.quizzes.questions import QuizFormatError
from tests.support.importers import AIKEN_SAMPLE, assert_problems, fractions, problems_of


def test_aiken_sample():
    first, second = parse_aiken(AIKEN_SAMPLE)
    assert first.type == "single"
    assert first.text_format == "plain"
    assert first.line == 1
    assert first.text == "What is the highest organ of the Party?"
    assert [c.text for c in first.choices] == [
        "The National Congress and the Central Committee it elects",
        "The Central Military Commission",
        "The Central Commission for Discipline Inspection",
        "The Secretariat",
    ]
    assert fractions(first) == [1.0, 0.0, 0.0, 0.0]
    assert second.line == 8
    assert second.text == ("How often is the National Party Congress held\n"
                           "under the Party Constitution?")
    assert fractions(second) == [0.0, 0.0, 1.0]
    assert second.true_false is None and not second.missing_word


def test_aiken_multiline_text_keeps_paragraphs():
    text = ("Read the passage.\n"
            "\n"
            "\"Serve the people wholeheartedly.\"\n"
            "Who said it?\n"
            "A. Mao Zedong\n"
            "B. Sun Yat-sen\n"
            "ANSWER: A\n")
    [question] = parse_aiken(text)
    assert question.text == ("Read the passage.\n\n\"Serve the people wholeheartedly.\"\n"
                             "Who said it?")
    assert question.line == 1


def test_aiken_no_blank_line_needed_between_questions_and_answer_anywhere_in_list():
    text = ("First?\nA. one\nB. two\nC. three\nANSWER: C\n"
            "Second?\n  A)  yes  \n  B)  no\nANSWER:B\n")
    first, second = parse_aiken(text)
    assert fractions(first) == [0.0, 0.0, 1.0]
    assert second.line == 6
    assert [c.text for c in second.choices] == ["yes", "no"]
    assert fractions(second) == [0.0, 1.0]


def test_aiken_answer_keyword_and_letter_case_insensitive():
    [question] = parse_aiken("Q?\nA. x\nB. y\nanswer: b\n")
    assert fractions(question) == [0.0, 1.0]


def test_aiken_many_options():
    options = "".join(f"{chr(65 + i)}. option {i}\n" for i in range(8))
    [question] = parse_aiken("Pick H\n" + options + "ANSWER: H\n")
    assert len(question.choices) == 8
    assert question.choices[7].text == "option 7" and question.choices[7].fraction == 1.0
    assert sum(fractions(question)) == 1.0


def test_aiken_bom_and_crlf():
    text = "\ufeff" + AIKEN_SAMPLE.replace("\n", "\r\n")
    first, second = parse_aiken(text)
    assert first.text == "What is the highest organ of the Party?"  # no BOM, no \r
    assert second.line == 8
    assert "\r" not in second.text and all("\r" not in c.text for c in second.choices)


def test_aiken_old_mac_line_endings():
    first, second = parse_aiken(AIKEN_SAMPLE.replace("\n", "\r"))
    assert (first.line, second.line) == (1, 8)


def test_aiken_empty_file():
    assert parse_aiken("") == []
    assert parse_aiken("\ufeff\n\n  \n") == []


@pytest.mark.parametrize("text, expected", [
    ("A. stray\nQ?\nA. x\nB. y\nANSWER: A\n",
     [(1, "option line before any question")]),
    ("ANSWER: A\n", [(1, "ANSWER line before any question")]),
    ("Q?\nA. x\nB. y\nC. z\nD. w\nANSWER: E\n",
     [(6, "ANSWER names letter E but there is no option E")]),
    ("Q?\nA. only one\nANSWER: A\n", [(1, "question has fewer than two options")]),
    ("Q?\nANSWER: A\n", [(1, "question has fewer than two options (found 0)")]),
    ("Q?\nA. x\nB. y\nANSWER: A, B\n", [(4, "ANSWER must name exactly one option letter")]),
    ("Q?\nA. x\nB. y\nANSWER: AB\n", [(4, "ANSWER must name exactly one option letter")]),
    ("Q?\nA. x\nB. y\nANSWER:\n", [(4, "ANSWER line names no letter")]),
    ("Q?\nA. x\nC. y\nANSWER: A\n", [(3, "option letter C is out of sequence (expected B)")]),
    ("Q?\nA. x\nB. y\nB. z\nANSWER: A\n", [(4, "option letter B appears twice")]),
    ("Q?\nB. x\nC. y\nANSWER: B\n", [(2, "option letter B is out of sequence (expected A)")]),
    ("Q?\nA. x\nB.\nANSWER: A\n", [(3, "option B has no text")]),
    ("Q?\nA. x\nB. y\nANSWER: A\nC. z\n", [(5, "option line after the ANSWER line")]),
    ("Q?\nA. x\nB. y\nANSWER: A\nANSWER: B\n", [(5, "ANSWER line outside a question")]),
    # No space after "A.": the lines are question text, and the message says why.
    ("Q?\nA.x\nB.y\nANSWER: A\n", [(1, "an option needs a space after")]),
])
def test_aiken_errors(text, expected):
    assert_problems(parse_aiken, text, expected)


def test_aiken_missing_answer_is_reported_and_next_question_still_read():
    text = ("First?\nA. x\nB. y\n"       # lines 1-3, no ANSWER
            "\n"
            "Second?\nA. x\nB. y\nANSWER: Z\n")  # line 5: a question; line 8: bad letter
    found = problems_of(parse_aiken, text)
    assert found[0][0] == 5
    assert "the question on line 1 has no ANSWER line" in found[0][1]
    assert found[1] == (8, "ANSWER names letter Z but there is no option Z")
    assert len(found) == 2


def test_aiken_missing_answer_at_end_of_file():
    assert_problems(parse_aiken, "Q?\nA. x\nB. y\n", [(1, "has no ANSWER line")])
    assert_problems(parse_aiken, "Just a sentence.\n", [(1, "has no options and no ANSWER")])


def test_aiken_collects_all_problems_in_line_order_and_returns_nothing():
    text = ("Good?\nA. x\nB. y\nANSWER: A\n"        # 1-4 fine
            "Bad letter?\nA. x\nB. y\nANSWER: Q\n"  # 8
            "Too few?\nA. x\nANSWER: A\n")          # 9
    found = problems_of(parse_aiken, text)
    assert [line for line, _ in found] == [8, 9]
    with pytest.raises(QuizFormatError) as caught:
        parse_aiken(text)
    assert "line 8: ANSWER names letter Q" in str(caught.value)
